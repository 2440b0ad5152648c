"""Each variant's own plain Keras 3 loop: the keras.io GAN guide's `train_step` with that variant's losses.

What a user writes who starts from the keras.io guides ("DCGAN to generate
face images" for one-critic-step GANs, "WGAN-GP overriding `Model.train_step`"
for critics) and changes the lines their paper changes: a `tf.GradientTape`
per update, a Python `for` loop over the critic steps, fresh `tf.random`
latents, the losses written out in TensorFlow. Nothing is shared with
ganzoo's training loop or losses; only the networks are built by ganzoo's
builders (`from_data_shape` of the variant's class, i.e. the same widths,
normalisation, dropout, autoencoder critic), so the benchmark compares
training loops, not architectures. Optimizers are the papers' (the same as
ganzoo's defaults).

wgan-gp's loop is the WGAN-GP guide's code, in keras_wgan_gp.py.
"""

import keras
import tensorflow as tf

import ganzoo

from baselines.keras_wgan_gp import WGANGP


def _adam(lr, beta_1, beta_2=0.999):
    return keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2)


class KerasGAN(keras.Model):
    """The keras.io GAN `train_step`; subclasses write their losses in `d_loss` / `g_loss`."""

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

    def after_d_step(self):
        pass

    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        for _ in range(self.d_steps):
            z = tf.random.normal(shape=(batch_size, self.latent_dim))
            with tf.GradientTape() as tape:
                fake_images = self.generator(z, training=True)
                real_out = self.discriminator(real_images, training=True)
                fake_out = self.discriminator(fake_images, training=True)
                d_loss = self.d_loss(real_images, fake_images, real_out, fake_out)
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
            self.after_d_step()

        z = tf.random.normal(shape=(batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            fake_out = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = self.g_loss(fake_out)
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss}


class NSGAN(KerasGAN):
    """The DCGAN guide's losses: BinaryCrossentropy(from_logits=True) against ones / zeros."""

    def compile(self, d_optimizer, g_optimizer):
        super().compile(d_optimizer, g_optimizer)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def d_loss(self, real, fake, real_logits, fake_logits):
        return self.loss_fn(tf.ones_like(real_logits), real_logits) + self.loss_fn(
            tf.zeros_like(fake_logits), fake_logits)

    def g_loss(self, fake_logits):
        return self.loss_fn(tf.ones_like(fake_logits), fake_logits)


class MinimaxGAN(KerasGAN):
    def d_loss(self, real, fake, real_logits, fake_logits):
        return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))

    def g_loss(self, fake_logits):
        return -tf.reduce_mean(tf.nn.softplus(fake_logits))  # E[log(1 - D(G(z)))]


class LSGAN(KerasGAN):
    def d_loss(self, real, fake, real_logits, fake_logits):
        return 0.5 * tf.reduce_mean((real_logits - 1.0) ** 2) + 0.5 * tf.reduce_mean(fake_logits ** 2)

    def g_loss(self, fake_logits):
        return 0.5 * tf.reduce_mean((fake_logits - 1.0) ** 2)


class WGAN(KerasGAN):
    def d_loss(self, real, fake, real_logits, fake_logits):
        return tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)

    def g_loss(self, fake_logits):
        return -tf.reduce_mean(fake_logits)

    def after_d_step(self):
        for w in self.discriminator.trainable_variables:
            w.assign(tf.clip_by_value(w, -0.01, 0.01))


class HingeSNGAN(KerasGAN):
    def d_loss(self, real, fake, real_logits, fake_logits):
        return tf.reduce_mean(tf.nn.relu(1.0 - real_logits)) + tf.reduce_mean(tf.nn.relu(1.0 + fake_logits))

    def g_loss(self, fake_logits):
        return -tf.reduce_mean(fake_logits)


def _gradient_norm(discriminator, points):
    with tf.GradientTape() as tape:
        tape.watch(points)
        out = discriminator(points, training=True)
    grads = tape.gradient(out, points)
    return tf.sqrt(tf.reduce_sum(tf.square(grads), axis=list(range(1, len(grads.shape)))) + 1e-10)


class DRAGAN(MinimaxGAN):
    """NS-GAN losses + lambda E[(||grad D(x + alpha 0.5 std(x) u)|| - 1)^2]."""

    def d_loss(self, real, fake, real_logits, fake_logits):
        shape = tf.shape(real)
        alpha = tf.random.uniform(tf.concat([shape[:1], tf.ones_like(shape[1:])], 0))
        x_hat = real + alpha * 0.5 * tf.math.reduce_std(real) * tf.random.uniform(shape)
        penalty = tf.reduce_mean((_gradient_norm(self.discriminator, x_hat) - 1.0) ** 2)
        return super().d_loss(real, fake, real_logits, fake_logits) + 10.0 * penalty

    def g_loss(self, fake_logits):
        return tf.reduce_mean(tf.nn.softplus(-fake_logits))


class WGANCT(WGANGP):
    """The WGAN-GP guide's loop; the critic returns [logits, features]; + 2 x CT on two dropout passes."""

    def __init__(self, discriminator, generator, latent_dim, discriminator_extra_steps=5):
        super().__init__(discriminator, generator, latent_dim, discriminator_extra_steps)
        logits_only = keras.Model(discriminator.inputs, discriminator.outputs[0])
        self.critic = discriminator
        self.discriminator = logits_only  # what the guide's loop and penalty call

    def gradient_penalty(self, batch_size, real_images, fake_images):
        gp = super().gradient_penalty(batch_size, real_images, fake_images)
        logits_1, features_1 = self.critic(real_images, training=True)
        logits_2, features_2 = self.critic(real_images, training=True)
        d = tf.reduce_mean(tf.square(logits_1 - logits_2), axis=1)
        d += 0.1 * tf.reduce_mean(tf.square(features_1 - features_2), axis=1)
        # the guide adds gp_weight * gp; CT's weight is 2, so divide it back in
        return gp + 2.0 / self.gp_weight * tf.reduce_mean(tf.nn.relu(d))


class EBGAN(KerasGAN):
    """D: E[energy(x)] + E[max(0, m - energy(G(z)))]; G: E[energy(G(z))] + 0.1 PT(codes)."""

    def __init__(self, discriminator, generator, latent_dim, margin):
        super().__init__(discriminator, generator, latent_dim)
        self.margin = margin

    def d_loss(self, real, fake, real_out, fake_out):
        return tf.reduce_mean(real_out[0]) + tf.reduce_mean(tf.nn.relu(self.margin - fake_out[0]))

    def g_loss(self, fake_out):
        energy, codes = fake_out
        s = tf.reshape(codes, [tf.shape(codes)[0], -1])
        s = tf.math.l2_normalize(s, axis=1)
        cos2 = tf.square(tf.matmul(s, s, transpose_b=True))
        n = tf.cast(tf.shape(s)[0], tf.float32)
        pt = (tf.reduce_sum(cos2) - n) / (n * (n - 1.0))
        return tf.reduce_mean(energy) + 0.1 * pt


class LossSensitiveGAN(KerasGAN):
    """L = softplus(D); D: E[L(x)] + E[max(0, |x - G(z)|_1 / dim + L(x) - L(G(z)))]; G: E[L(G(z))]."""

    def d_loss(self, real, fake, real_logits, fake_logits):
        real_l, fake_l = tf.nn.softplus(real_logits), tf.nn.softplus(fake_logits)
        batch = tf.shape(real)[0]
        delta = tf.reduce_mean(tf.reshape(tf.abs(real - fake), [batch, -1]), axis=1)
        return tf.reduce_mean(real_l) + tf.reduce_mean(tf.nn.relu(delta + real_l[:, 0] - fake_l[:, 0]))

    def g_loss(self, fake_logits):
        return tf.reduce_mean(tf.nn.softplus(fake_logits))


def build(variant, data_shape, *, latent_dim, generator_widths=None, discriminator_widths=None):
    """A compiled plain-Keras loop for `variant` on fresh networks of ganzoo's builders for it."""
    nets = ganzoo.models.get_class(variant).from_data_shape(tuple(data_shape), latent_dim=latent_dim,
                                                            generator_widths=generator_widths,
                                                            discriminator_widths=discriminator_widths)
    g, d = nets.generator, nets.discriminator
    if variant == "wgan-gp":
        model = WGANGP(d, g, latent_dim, discriminator_extra_steps=5)
        optimizers = _adam(1e-4, 0.0, 0.9), _adam(1e-4, 0.0, 0.9)
    elif variant == "wgan-ct":
        model = WGANCT(d, g, latent_dim, discriminator_extra_steps=5)
        optimizers = _adam(1e-4, 0.0, 0.9), _adam(1e-4, 0.0, 0.9)
    elif variant == "nsgan":
        model = NSGAN(d, g, latent_dim)
        optimizers = _adam(2e-4, 0.5), _adam(2e-4, 0.5)
    elif variant == "gan":
        model = MinimaxGAN(d, g, latent_dim)
        optimizers = _adam(2e-4, 0.5), _adam(2e-4, 0.5)
    elif variant == "lsgan":
        model = LSGAN(d, g, latent_dim)
        optimizers = _adam(2e-4, 0.5), _adam(2e-4, 0.5)
    elif variant == "wgan":
        model = WGAN(d, g, latent_dim, d_steps=5)
        optimizers = keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)
    elif variant == "sngan":
        model = HingeSNGAN(d, g, latent_dim, d_steps=5)
        optimizers = _adam(1e-4, 0.5, 0.9), _adam(1e-4, 0.5, 0.9)
    elif variant == "dragan":
        model = DRAGAN(d, g, latent_dim)
        optimizers = _adam(1e-4, 0.5, 0.9), _adam(1e-4, 0.5, 0.9)
    elif variant == "ebgan":
        model = EBGAN(d, g, latent_dim, margin=nets.margin)
        optimizers = _adam(2e-4, 0.5), _adam(2e-4, 0.5)
    elif variant == "loss-sensitive":
        model = LossSensitiveGAN(d, g, latent_dim)
        optimizers = _adam(2e-4, 0.5), _adam(2e-4, 0.5)
    else:
        raise ValueError(f"No plain-Keras baseline for {variant!r}.")
    model.compile(*optimizers)
    return model
