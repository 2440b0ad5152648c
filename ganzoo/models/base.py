"""The one training skeleton every ganzoo variant shares.

A variant subclasses `BaseGAN` and overrides only what differs: its losses
(`loss` or `discriminator_loss` / `generator_loss`), its penalty
(`discriminator_penalty`), its Lipschitz tool (`after_discriminator_step`),
its default networks and optimizers.

Distribution (tf.distribute) rules this file follows, measured on TF 2.21 /
Keras 3.15: optimizers are built eagerly in `compile` (a lazy build inside the
replicated step fails); each loss is divided by the number of replicas inside
the tape (Keras sums gradients across replicas); all randomness is stateless
and drawn for the *global* batch, then sliced per replica, so a step gives the
same result on 1 or N replicas and replays exactly after a restart (the noise
is a function of the seed and the generator's step counter).
"""

import contextlib

import numpy as np
import tensorflow as tf
import keras

from ganzoo import losses as losses_lib
from ganzoo import networks


class BaseGAN(keras.Model):
    """A generator, a discriminator and the alternating updates that train them.

    Args:
        generator: a Keras model, latent (B, latent_dim) [and labels (B,)] ->
            samples; for images, tanh outputs in [-1, 1].
        discriminator: a Keras model, samples [and labels] -> logits, or
            `[logits, features]`.
        latent_dim: size of the latent vector z ~ N(0, I).
        num_classes: number of classes for conditional models, else None.
        n_critic: discriminator updates per generator update (variant default
            when None).
        ema_decay: keep an exponential moving average of the generator weights
            (e.g. 0.999); `generate` uses it.
        instance_noise: initial std of Gaussian noise added to every input of
            the discriminator, annealed linearly to 0 over
            `instance_noise_steps` generator steps (Arjovsky & Bottou 2017;
            Sonderby et al. 2017). 0 turns it off.
        instance_noise_steps: length of the annealing schedule.
        mismatched_negatives: conditional only; also score (real x, wrong y)
            pairs as fakes.
        seed: seed of every random draw during training (None: pick one).
    """

    adversarial_loss = "non_saturating"
    default_n_critic = 1
    critic_based = False  # report w_estimate = E[D(x)] - E[D(G(z))]
    discriminator_options = {"normalization": "batch"}

    def __init__(
        self, generator, discriminator, latent_dim, *, num_classes=None, n_critic=None,
        ema_decay=None, instance_noise=0.0, instance_noise_steps=10000,
        mismatched_negatives=False, seed=None, **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.num_classes = int(num_classes) if num_classes else None
        self.n_critic = int(self.default_n_critic if n_critic is None else n_critic)
        if self.n_critic < 1:
            raise ValueError(f"n_critic must be >= 1, got {n_critic}.")
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise ValueError(f"ema_decay must be in (0, 1), got {ema_decay}.")
        if mismatched_negatives and not self.num_classes:
            raise ValueError("mismatched_negatives needs a conditional model (num_classes).")
        self.ema_decay = ema_decay
        self.instance_noise = float(instance_noise)
        self.instance_noise_steps = int(instance_noise_steps)
        self.mismatched_negatives = bool(mismatched_negatives)
        self.seed = int(np.random.randint(2**31 - 1) if seed is None else seed)
        self.data_shape = tuple(generator.output_shape[1:])
        self.generator_loss_fn, self.discriminator_loss_fn = losses_lib.get(self.adversarial_loss)
        names = ["d_loss", "g_loss", "d_real", "d_fake", "penalty"]
        if self.critic_based:
            names.append("w_estimate")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}
        self._sample_fn = None
        self.built = True  # both networks are built functional models

    # ----------------------------------------------------------- construction

    @classmethod
    def from_data_shape(cls, data_shape, *, latent_dim=None, num_classes=None, **overrides):
        """The variant with its default networks for `data_shape`."""
        data_shape = networks.check_data_shape(data_shape)
        if latent_dim is None:
            latent_dim = 64 if len(data_shape) == 1 else 128
        net_options = dict(cls.discriminator_options)
        if len(data_shape) == 1 and net_options.get("normalization") == "batch":
            net_options["normalization"] = "none"  # toy MLP critics have no batch norm (VEEGAN, PacGAN)
        for key in ("normalization", "dropout", "code_dim"):
            if key in overrides:
                net_options[key] = overrides.pop(key)
        generator_widths = overrides.pop("generator_widths", None) or None
        if overrides.get("discriminator_widths"):
            net_options["widths"] = overrides.pop("discriminator_widths")
        overrides.pop("discriminator_widths", None)
        generator = networks.default_generator(latent_dim, data_shape, num_classes, widths=generator_widths)
        discriminator = cls.default_discriminator(data_shape, num_classes, **net_options)
        return cls(generator, discriminator, latent_dim, num_classes=num_classes, **overrides)

    @classmethod
    def default_discriminator(cls, data_shape, num_classes, **options):
        if options.pop("code_dim", None) is not None:
            raise ValueError(f"code_dim is an option of EBGAN's autoencoder critic, not of {cls.__name__}.")
        return networks.default_discriminator(data_shape, num_classes, **options)

    def default_optimizers(self):
        """(d_optimizer, g_optimizer) from the variant's paper."""
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5),  # DCGAN, Radford et al. 2016
            keras.optimizers.Adam(2e-4, beta_1=0.5),
        )

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Sets the optimizers; with none given, the variant's paper defaults.

        Different learning rates for the two (TTUR, Heusel et al. 2017) are a
        matter of passing two optimizers.
        """
        super().compile(**kwargs)
        # Keras' own optimizer (RMSprop by default) is unused: without this it
        # would hold slots for every weight and be saved with the model.
        self.optimizer = None
        default_d, default_g = self.default_optimizers()
        self.d_optimizer = d_optimizer or default_d
        self.g_optimizer = g_optimizer or default_g
        if keras.config.dtype_policy().name == "mixed_float16":
            # float16 gradients underflow without loss scaling; bfloat16 needs none.
            wrap = keras.optimizers.LossScaleOptimizer
            self.d_optimizer = self.d_optimizer if isinstance(self.d_optimizer, wrap) else wrap(self.d_optimizer)
            self.g_optimizer = self.g_optimizer if isinstance(self.g_optimizer, wrap) else wrap(self.g_optimizer)
        if self.ema_decay is not None:
            inner = getattr(self.g_optimizer, "inner_optimizer", self.g_optimizer)
            inner.use_ema = True
            inner.ema_momentum = self.ema_decay
        # Built now, not lazily: a lazy build inside a replicated step fails.
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return None
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
            g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]),
        )

    def get_config(self):
        config = super().get_config()
        config.update({
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "num_classes": self.num_classes,
            "n_critic": self.n_critic,
            "ema_decay": self.ema_decay,
            "instance_noise": self.instance_noise,
            "instance_noise_steps": self.instance_noise_steps,
            "mismatched_negatives": self.mismatched_negatives,
            "seed": self.seed,
        })
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, inputs, training=False):
        """Generator forward pass: latent [and labels] -> samples."""
        return self.generator(inputs, training=training)

    # ------------------------------------------------------------- randomness

    def _step(self):
        return tf.cast(self.g_optimizer.iterations, tf.int64)

    def _random(self, kind, local_batch, tail, salt, dtype=tf.float32, maxval=None):
        """Stateless draw for the global batch, sliced to this replica's rows.

        The seed is (model seed, generator step, salt): a given step replays the
        same noise after a restart and on any number of replicas.
        """
        context = tf.distribute.get_replica_context()
        replicas = context.num_replicas_in_sync if context else 1
        replica = context.replica_id_in_sync_group if context else 0
        seed = tf.stack([tf.constant(self.seed, tf.int64), self._step() * 1024 + salt])
        shape = tf.concat([[local_batch * replicas], tf.constant(tail, tf.int32)], 0)
        if kind == "normal":
            values = tf.random.stateless_normal(shape, seed, dtype=dtype)
        elif kind == "uniform":
            values = tf.random.stateless_uniform(shape, seed, dtype=dtype, minval=0, maxval=maxval)
        else:
            raise ValueError(kind)
        start = tf.cast(replica, tf.int32) * local_batch
        return values[start:start + local_batch]

    def _per_example_uniform(self, x, salt):
        """U[0, 1] of shape (B, 1, ..., 1): one draw per example of x."""
        return self._random("uniform", tf.shape(x)[0], [1] * (len(x.shape) - 1), salt, maxval=1.0)

    def _latent(self, batch, salt):
        return self._random("normal", batch, [self.latent_dim], salt)

    def _random_labels(self, batch, salt):
        return self._random("uniform", batch, [], salt, dtype=tf.int32, maxval=self.num_classes)

    def instance_noise_stddev(self, step=None):
        """sigma(t) = sigma_0 max(0, 1 - t / instance_noise_steps)."""
        step = self._step() if step is None else tf.cast(step, tf.int64)
        progress = tf.cast(step, tf.float32) / float(max(self.instance_noise_steps, 1))
        return self.instance_noise * tf.maximum(0.0, 1.0 - progress)

    def _add_instance_noise(self, x, salt):
        if not self.instance_noise:
            return x
        batch = tf.shape(x)[0]
        noise = self._random("normal", batch, list(x.shape[1:]), salt, dtype=x.dtype)
        return x + self.instance_noise_stddev() * noise

    # ---------------------------------------------------------------- critics

    def critic(self, x, labels=None, training=True):
        """Discriminator outputs as `(logits, features)` (features may be None)."""
        inputs = x if self.num_classes is None else [x, labels]
        outputs = self.discriminator(inputs, training=training)
        if isinstance(outputs, (list, tuple)):
            return outputs[0], outputs[1]
        return outputs, None

    def generate_batch(self, z, labels=None, training=True):
        return self.generator(z if self.num_classes is None else [z, labels], training=training)

    # ------------------------------------------------------------ variant API

    def discriminator_loss(self, real, fake, real_logits, fake_logits):
        return self.discriminator_loss_fn(real_logits, fake_logits)

    def generator_loss(self, fake, fake_logits, fake_features):
        return self.generator_loss_fn(fake_logits)

    def discriminator_penalty(self, real, fake, labels, fake_labels, salt):
        """Weighted regulariser added to the discriminator loss (None: none)."""
        return None

    def after_discriminator_step(self):
        """Hook run after every discriminator update (WGAN clips here)."""

    # ------------------------------------------------------------- train step

    @staticmethod
    def _unpack(data):
        if isinstance(data, (list, tuple)):
            if len(data) == 1:
                return data[0], None
            return data[0], data[1]
        return data, None

    def train_step(self, data):
        real, labels = self._unpack(data)
        if self.num_classes and labels is None:
            raise ValueError("A conditional model needs (images, labels) batches.")
        labels = None if labels is None else tf.cast(tf.reshape(labels, [-1]), tf.int32)
        batch = tf.shape(real)[0]
        replicas = tf.cast(self.distribute_strategy.num_replicas_in_sync, tf.float32)
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables

        for i in range(self.n_critic):
            salt = 16 * i
            z = self._latent(batch, salt)
            fake_labels = self._random_labels(batch, salt + 1) if self.num_classes else None
            fake = tf.stop_gradient(self.generate_batch(z, fake_labels, training=True))
            with tf.GradientTape() as tape:
                d_real_in = self._add_instance_noise(real, salt + 2)
                d_fake_in = self._add_instance_noise(fake, salt + 3)
                real_logits, _ = self.critic(d_real_in, labels)
                fake_logits, _ = self.critic(d_fake_in, fake_labels)
                negatives = fake_logits
                if self.mismatched_negatives:
                    shift = self._random("uniform", batch, [], salt + 4, tf.int32, self.num_classes - 1)
                    wrong = (labels + 1 + shift) % self.num_classes
                    mismatched_logits, _ = self.critic(d_real_in, wrong)
                    negatives = tf.concat([fake_logits, mismatched_logits], 0)
                d_loss = self.discriminator_loss(real, fake, real_logits, negatives)
                penalty = self.discriminator_penalty(real, fake, labels, fake_labels, salt + 5)
                total = d_loss if penalty is None else d_loss + penalty
                scaled = self.d_optimizer.scale_loss(total / replicas)
            grads = tape.gradient(scaled, d_vars)
            self.d_optimizer.apply_gradients(zip(grads, d_vars))
            self.after_discriminator_step()

        # reported from the last critic update, before the generator moves
        d_real = tf.reduce_mean(tf.cast(real_logits, tf.float32))
        d_fake = tf.reduce_mean(tf.cast(fake_logits, tf.float32))

        salt = 16 * self.n_critic
        z = self._latent(batch, salt)
        fake_labels = self._random_labels(batch, salt + 1) if self.num_classes else None
        with tf.GradientTape() as tape:
            fake = self.generate_batch(z, fake_labels, training=True)
            g_logits, g_features = self.critic(self._add_instance_noise(fake, salt + 3), fake_labels)
            g_loss = self.generator_loss(fake, g_logits, g_features)
            scaled = self.g_optimizer.scale_loss(g_loss / replicas)
        grads = tape.gradient(scaled, g_vars)
        self.g_optimizer.apply_gradients(zip(grads, g_vars))

        values = {
            "d_loss": total,
            "g_loss": g_loss,
            "d_real": d_real,
            "d_fake": d_fake,
            "penalty": tf.zeros([]) if penalty is None else penalty,
        }
        if self.critic_based:
            values["w_estimate"] = d_real - d_fake
        for name, value in values.items():
            self.trackers[name].update_state(value)
        # Shape [1], not scalars: MultiWorkerMirroredStrategy fails to reduce
        # scalar outputs of a custom train_step (tensorflow/tensorflow#72388).
        return {name: tf.reshape(t.result(), [1]) for name, t in self.trackers.items()}

    # --------------------------------------------------------------- sampling

    def generate(self, n, seed=None, labels=None, batch_size=1000):
        """Draws `n` samples as a float32 array of shape (n, *data_shape).

        Images are in [-1, 1] (tanh); toy data is in data coordinates. The same
        `seed` gives the same samples. Conditional models take `labels` (n,)
        ints, by default 0, 1, ..., K-1, 0, 1, ... With `ema_decay`, the
        generator's moving-average weights are used.
        """
        n = int(n)
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, self.latent_dim)).astype("float32")
        if self.num_classes:
            if labels is None:
                labels = np.arange(n) % self.num_classes
            labels = np.asarray(labels, dtype="int32").reshape(-1)
            if labels.shape[0] != n or labels.min() < 0 or labels.max() >= self.num_classes:
                raise ValueError(
                    f"labels must be {n} ints in [0, {self.num_classes}), got shape {labels.shape}."
                )
        elif labels is not None:
            raise ValueError("labels given to an unconditional model.")
        if self._sample_fn is None:
            self._sample_fn = tf.function(
                lambda z, y: self.generate_batch(z, y, training=False), reduce_retracing=True
            )
        with self._ema_weights():
            chunks = []
            for start in range(0, n, batch_size):
                y = None if labels is None else labels[start:start + batch_size]
                chunks.append(np.asarray(self._sample_fn(z[start:start + batch_size], y)))
        out = np.concatenate(chunks, 0) if chunks else np.zeros((0, *self.data_shape), "float32")
        return out.astype("float32")

    @contextlib.contextmanager
    def _ema_weights(self):
        """Temporarily swaps the generator's weights for their moving average."""
        opt = getattr(self, "g_optimizer", None)
        if self.ema_decay is None or opt is None or not opt.built:
            yield
            return
        variables = self.generator.trainable_variables
        saved = [v.numpy() for v in variables]
        opt.finalize_variable_values(variables)
        try:
            yield
        finally:
            for v, value in zip(variables, saved):
                v.assign(value)
