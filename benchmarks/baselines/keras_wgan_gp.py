"""Plain Keras 3 GAN training loops, written the way a user writes them from the keras.io guides.

`WGANGP` follows the keras.io example "WGAN-GP overriding `Model.train_step`"
(A. K. Nain): `tf.GradientTape`, a Python `for` loop over the critic steps,
the generator's forward pass inside the critic's tape, the penalty on random
interpolates in a nested tape. One deliberate difference: alpha ~ U[0, 1] per
example, as in Gulrajani et al. 2017 (the example draws N(0, 1)). `NSGAN` is
the same skeleton with binary cross-entropy on logits and, by default, one
discriminator step. No tuning beyond that: what a competent user writes.

The networks are fresh copies of ganzoo's (`ganzoo.networks`), so the
benchmark compares training loops, not architectures.
"""

import keras
import tensorflow as tf

from ganzoo import networks


class WGANGP(keras.Model):
    def __init__(self, discriminator, generator, latent_dim, discriminator_extra_steps=5, gp_weight=10.0):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_steps = discriminator_extra_steps
        self.gp_weight = gp_weight

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer

    def gradient_penalty(self, batch_size, real_images, fake_images):
        alpha = tf.random.uniform([batch_size] + [1] * (len(real_images.shape) - 1), 0.0, 1.0)
        interpolated = real_images + alpha * (fake_images - real_images)
        with tf.GradientTape() as gp_tape:
            gp_tape.watch(interpolated)
            pred = self.discriminator(interpolated, training=True)
        grads = gp_tape.gradient(pred, [interpolated])[0]
        norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=list(range(1, len(grads.shape)))))
        return tf.reduce_mean((norm - 1.0) ** 2)

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        for _ in range(self.d_steps):
            random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
            with tf.GradientTape() as tape:
                fake_images = self.generator(random_latent_vectors, training=True)
                fake_logits = self.discriminator(fake_images, training=True)
                real_logits = self.discriminator(real_images, training=True)
                d_cost = tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)
                gp = self.gradient_penalty(batch_size, real_images, fake_images)
                d_loss = d_cost + gp * self.gp_weight
            d_gradient = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(d_gradient, self.discriminator.trainable_variables))

        random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            generated_images = self.generator(random_latent_vectors, training=True)
            gen_img_logits = self.discriminator(generated_images, training=True)
            g_loss = -tf.reduce_mean(gen_img_logits)
        gen_gradient = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(gen_gradient, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss}


class NSGAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim, d_steps=1):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_steps = d_steps

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        for _ in range(self.d_steps):
            random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
            with tf.GradientTape() as tape:
                fake_images = self.generator(random_latent_vectors, training=True)
                real_logits = self.discriminator(real_images, training=True)
                fake_logits = self.discriminator(fake_images, training=True)
                d_loss = self.loss_fn(tf.ones_like(real_logits), real_logits) + self.loss_fn(
                    tf.zeros_like(fake_logits), fake_logits
                )
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))

        random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.generator(random_latent_vectors, training=True), training=True)
            g_loss = self.loss_fn(tf.ones_like(fake_logits), fake_logits)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss}


def build(kind, data_shape, *, latent_dim, n_critic, normalization):
    """A compiled baseline of `kind` ("wgan-gp" or "nsgan") on fresh ganzoo default networks.

    Optimizers are the papers': Adam(1e-4, 0, 0.9) for WGAN-GP (Gulrajani et
    al. 2017), Adam(2e-4, 0.5) for NS-GAN (Radford et al. 2016).
    """
    generator = networks.default_generator(latent_dim, data_shape)
    discriminator = networks.default_discriminator(data_shape, normalization=normalization)
    if kind == "wgan-gp":
        model = WGANGP(discriminator, generator, latent_dim, discriminator_extra_steps=n_critic)
        model.compile(keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9), keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9))
    elif kind == "nsgan":
        model = NSGAN(discriminator, generator, latent_dim, d_steps=n_critic)
        model.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    else:
        raise ValueError(f"Unknown baseline kind {kind!r}; expected 'wgan-gp' or 'nsgan'.")
    return model
