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

Reported metrics: `d_loss` is the adversarial loss alone and `penalty` the
weighted regulariser; the critic descends their sum.
"""

import contextlib
import copy

import numpy as np
import tensorflow as tf
import keras

from ganzoo import losses as losses_lib
from ganzoo import layers, networks, penalties

# Stateless seeds: every draw in train_step is seeded by (model seed,
# step * SALTS_PER_STEP + salt), step = the generator's update counter. Update
# i of a step (critic updates i = 0 .. n_critic - 1, then the generator update
# as i = n_critic) owns the salts [SALTS_PER_UPDATE * i, SALTS_PER_UPDATE * (i + 1)),
# and each draw of an update sits at a fixed offset in its slot:
SALT_LATENT = 0
SALT_FAKE_LABELS = 1
SALT_NOISE_REAL = 2  # instance noise
SALT_NOISE_FAKE = 3
SALT_MISMATCH = 4  # the shift to a wrong label of mismatched_negatives
SALT_PENALTY = 5  # the penalty may use SALT_PENALTY .. SALTS_PER_UPDATE - 1 (11 salts)
SALTS_PER_UPDATE = 16
SALTS_PER_STEP = 1024
# The n_critic + 1 slots of a step must fit in its SALTS_PER_STEP salts, or the
# last ones would be the next step's first: SALTS_PER_UPDATE (n_critic + 1) <=
# SALTS_PER_STEP, i.e. n_critic <= 1024 / 16 - 1 = 63.
MAX_N_CRITIC = SALTS_PER_STEP // SALTS_PER_UPDATE - 1


REAL_BATCHES = ("shared", "fresh")


def real_rows(batch_size, n_critic, real_batches):
    """Rows of real data one train_step takes when each update uses `batch_size`:
    n_critic x batch_size with real_batches="fresh", else batch_size."""
    return batch_size * (n_critic if real_batches == "fresh" else 1)

MAX_GENERATE_BYTES = 4 << 30  # what `generate` returns in one array; `iter_generate` has no limit


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
            when None), at most `MAX_N_CRITIC` (63).
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
        penalty: None for the variant's own regulariser (`discriminator_penalty`),
            or a name of `ganzoo.penalties.PENALTIES` ("none", "wgan-gp",
            "dragan", "r1") to use that one instead, on any variant.
        penalty_weight: the weight of `penalty`; None for
            `ganzoo.penalties.DEFAULT_WEIGHTS[penalty]`.
        real_batches: "shared": every critic update of a step sees the same
            real batch; "fresh": each sees its own (WGAN's and WGAN-GP's
            Algorithm 1 sample x for every critic iteration; so does
            gan_toy.py). With "fresh" a step's batch holds n_critic x B rows,
            cut into n_critic batches of B; the generator update draws B
            latents. `ganzoo-train` feeds such batches (config.batch_size is B).
            Under a multi-replica strategy each replica cuts its contiguous share
            of the global batch, so the critic batches hold other rows than on one
            replica (still n_critic fresh batches per step); "shared" replays a
            one-replica step exactly.

    Example:
    >>> model = ganzoo.models.NSGAN.from_data_shape((2,), penalty="wgan-gp", penalty_weight=1.0)
    >>> model.compile()
    """

    adversarial_loss = "non_saturating"
    default_n_critic = 1
    critic_based = False  # report w_estimate = E[D(x)] - E[D(G(z))]
    discriminator_options = {"normalization": "batch"}
    # (keras.optimizers class, arguments) of both networks' optimizers, from the paper: data, so that a
    # config can spell it out without building one (a built optimizer creates TF variables, and a
    # multi-worker run must configure its collectives before any TF op runs)
    default_optimizer = ("Adam", {"learning_rate": 2e-4, "beta_1": 0.5})  # DCGAN, Radford et al. 2016

    def __init__(
        self, generator, discriminator, latent_dim, *, num_classes=None, n_critic=None,
        ema_decay=None, instance_noise=0.0, instance_noise_steps=10000,
        mismatched_negatives=False, seed=None, penalty=None, penalty_weight=None, real_batches="shared", **kwargs,
    ):
        super().__init__(**kwargs)
        if real_batches not in REAL_BATCHES:
            raise ValueError(f"real_batches={real_batches!r}; expected one of {', '.join(REAL_BATCHES)}.")
        self.real_batches = real_batches
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.num_classes = int(num_classes) if num_classes else None
        self.n_critic = int(self.default_n_critic if n_critic is None else n_critic)
        if self.n_critic < 1:
            raise ValueError(f"n_critic must be >= 1, got {n_critic}.")
        if self.n_critic > MAX_N_CRITIC:
            raise ValueError(
                f"n_critic must be <= MAX_N_CRITIC = {MAX_N_CRITIC}, got {self.n_critic}: a step's n_critic + 1 "
                f"updates take {SALTS_PER_UPDATE} seed salts each out of {SALTS_PER_STEP}, so more critic "
                f"updates would reuse the next step's random draws."
            )
        if penalty is not None:
            penalties.get(penalty)  # an unknown name fails here, not at the first step
            if penalty_weight is None:
                penalty_weight = penalties.DEFAULT_WEIGHTS.get(penalty)
        elif penalty_weight is not None:
            raise ValueError(
                "penalty_weight weighs the penalty= option, which is not given; the variant's own penalty "
                "has its own weight (e.g. gp_weight)."
            )
        self.penalty = penalty
        self.penalty_weight = None if penalty_weight is None else float(penalty_weight)
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
    def from_data_shape(cls, data_shape, *, latent_dim=None, num_classes=None, generator_widths=None,
                        discriminator_widths=None, normalization=None, dropout=None, code_dim=None,
                        architecture=None, **overrides):
        """The variant with its default networks for `data_shape`.

        Network options left at None take `network_defaults(data_shape, architecture)`;
        `architecture` is one of `networks.ARCHITECTURES` ("sngan_cnn": Miyato et
        al.'s standard CNN, 32 px); `overrides` are the variant's constructor options.
        """
        data_shape = networks.check_data_shape(data_shape)
        if latent_dim is None:
            latent_dim = 64 if len(data_shape) == 1 else 128
        given = {"generator_widths": generator_widths, "discriminator_widths": discriminator_widths,
                 "normalization": normalization, "dropout": dropout, "code_dim": code_dim}
        options = {**cls.network_defaults(data_shape, architecture),
                   **{k: v for k, v in given.items() if v is not None}}
        generator = networks.default_generator(latent_dim, data_shape, num_classes,
                                               widths=tuple(options.pop("generator_widths")),
                                               architecture=options["architecture"])
        widths = tuple(options.pop("discriminator_widths"))
        net_options = {**cls.discriminator_options, **options, "widths": widths}
        discriminator = cls.default_discriminator(data_shape, num_classes, **net_options)
        return cls(generator, discriminator, latent_dim, num_classes=num_classes, **overrides)

    @classmethod
    def network_defaults(cls, data_shape, architecture=None):
        """The options `from_data_shape` builds the default networks with, spelled out.

        Toy data: 3 x 512 ReLU MLPs (WGAN-GP's `gan_toy.py`), and a critic with
        no batch or layer norm (gan_toy.py has none; spectral normalization stays);
        images: the widths of `networks.DCGAN_SPECS` ("dcgan", the default) or
        of `networks.SNGAN_CNN_SPECS` ("sngan_cnn").
        """
        data_shape = networks.check_data_shape(data_shape)
        architecture = networks.check_architecture(architecture or networks.default_architecture(data_shape),
                                                   data_shape)
        options = {k: v for k, v in cls.discriminator_options.items() if k in ("normalization", "dropout")}
        options.setdefault("dropout", 0.0)
        if len(data_shape) == 1 and options["normalization"] in ("batch", "layer"):
            options["normalization"] = "none"
        return {"architecture": architecture,
                "generator_widths": networks.default_generator_widths(data_shape, architecture),
                "discriminator_widths": networks.default_discriminator_widths(data_shape, architecture), **options}

    @classmethod
    def default_discriminator(cls, data_shape, num_classes, **options):
        if options.pop("code_dim", None) is not None:
            raise ValueError(f"code_dim is an option of EBGAN's autoencoder critic, not of {cls.__name__}.")
        return networks.default_discriminator(data_shape, num_classes, **options)

    def default_optimizers(self):
        """(d_optimizer, g_optimizer) from the variant's paper: two of `default_optimizer`."""
        name, arguments = self.default_optimizer
        return tuple(getattr(keras.optimizers, name)(**arguments) for _ in range(2))

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
            "real_batches": self.real_batches,
        })
        if self.penalty is not None:  # absent from older configs: None is the default
            config.update({"penalty": self.penalty, "penalty_weight": self.penalty_weight})
        return config

    @classmethod
    def from_config(cls, config):
        # a deep copy: Keras' Functional.from_config empties the nested configs it is given
        config = copy.deepcopy(dict(config))
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
    # Variants draw their randomness with random_normal, random_uniform and
    # per_example_uniform at the salts train_step hands them (see SALT_*), so
    # that it replays after a restart and is the same on any number of replicas.

    def _step(self):
        return tf.cast(self.g_optimizer.iterations, tf.int64)

    def _draw(self, kind, batch, tail, salt, dtype, maxval=None):
        """Stateless draw for the global batch, sliced to this replica's rows."""
        context = tf.distribute.get_replica_context()
        replicas = context.num_replicas_in_sync if context else 1
        replica = context.replica_id_in_sync_group if context else 0
        seed = tf.stack([tf.constant(self.seed, tf.int64), self._step() * SALTS_PER_STEP + salt])
        shape = tf.concat([[batch * replicas], tf.constant(tail, tf.int32)], 0)
        if kind == "normal":
            values = tf.random.stateless_normal(shape, seed, dtype=dtype)
        else:
            values = tf.random.stateless_uniform(shape, seed, dtype=dtype, minval=0, maxval=maxval)
        start = tf.cast(replica, tf.int32) * batch
        return values[start:start + batch]

    def random_normal(self, batch, tail, salt, dtype=tf.float32):
        """N(0, 1) draws of shape (batch, *tail), a function of (seed, generator step, salt).

        Args:
            batch: this replica's batch size, e.g. `tf.shape(x)[0]`; the draw is
                made for the global batch and this replica's rows returned.
            tail: the shape after the batch axis, a list of ints.
            salt: the salt train_step passed (e.g. `discriminator_penalty`'s),
                plus an offset below SALTS_PER_UPDATE - SALT_PENALTY for a
                penalty's second, third... draw.
            dtype: a float dtype.

        Example:
        >>> noise = self.random_normal(tf.shape(x)[0], list(x.shape[1:]), salt)
        """
        return self._draw("normal", batch, tail, salt, dtype)

    def random_uniform(self, batch, tail, salt, dtype=tf.float32, maxval=1.0):
        """U[0, maxval) draws of shape (batch, *tail); integers in [0, maxval) for an int dtype.

        Args: as `random_normal`, and maxval: the excluded upper bound.

        Example:
        >>> labels = self.random_uniform(batch, [], salt, tf.int32, self.num_classes)
        """
        return self._draw("uniform", batch, tail, salt, dtype, maxval)

    def per_example_uniform(self, x, salt):
        """U[0, 1) of shape (B, 1, ..., 1): one draw per example of x, broadcastable against it.

        Example:
        >>> alpha = self.per_example_uniform(real, salt)
        >>> x_hat = alpha * real + (1 - alpha) * fake
        """
        return self.random_uniform(tf.shape(x)[0], [1] * (len(x.shape) - 1), salt)

    def _latent(self, batch, salt):
        return self.random_normal(batch, [self.latent_dim], salt)

    def _random_labels(self, batch, salt):
        return self.random_uniform(batch, [], salt, tf.int32, self.num_classes)

    def instance_noise_stddev(self, step=None):
        """sigma(t) = sigma_0 max(0, 1 - t / instance_noise_steps)."""
        step = self._step() if step is None else tf.cast(step, tf.int64)
        progress = tf.cast(step, tf.float32) / float(max(self.instance_noise_steps, 1))
        return self.instance_noise * tf.maximum(0.0, 1.0 - progress)

    def _add_instance_noise(self, x, salt):
        if not self.instance_noise:
            return x
        batch = tf.shape(x)[0]
        noise = self.random_normal(batch, list(x.shape[1:]), salt, dtype=x.dtype)
        return x + self.instance_noise_stddev() * noise

    # ---------------------------------------------------------------- critics

    def critic(self, x, labels=None, training=True):
        """Discriminator outputs as float32 `(logits, features)` (features may be None).

        Under a mixed policy the networks compute in bfloat16 (or float16)
        and everything after them in float32: losses, energies, margins,
        the consistency and pull-away terms, penalty norms. bfloat16 keeps 8
        significant bits, so a mean of softplus(logits) in bfloat16 would
        round away differences of 0.4 % between steps.
        """
        inputs = x if self.num_classes is None else [x, labels]
        outputs = self.discriminator(inputs, training=training)
        if isinstance(outputs, (list, tuple)):
            return _float32(outputs[0]), _float32(outputs[1])
        return _float32(outputs), None

    def generate_batch(self, z, labels=None, training=True):
        """Generator samples as float32: instance noise, interpolation and margins are float32 maths."""
        return _float32(self.generator(z if self.num_classes is None else [z, labels], training=training))

    # ------------------------------------------------------------ variant API

    def discriminator_loss(self, real, fake, real_logits, fake_logits):
        return self.discriminator_loss_fn(real_logits, fake_logits)

    def generator_loss(self, fake, fake_logits, fake_features):
        return self.generator_loss_fn(fake_logits)

    def discriminator_penalty(self, real, fake, labels, fake_labels, salt):
        """The variant's weighted regulariser added to the discriminator loss (None: none).

        `salt` is the first of the salts this penalty may draw with (see
        `random_normal`); the `penalty=` option replaces this method.
        """
        return None

    def penalty_term(self, name, real, fake, labels, salt, **options):
        """The unweighted `ganzoo.penalties.PENALTIES[name]` of this critic (None for "none").

        The penalty's randomness comes from the stateless stream: "wgan-gp"
        draws alpha per example at `salt`; "dragan" u per element at `salt`
        and alpha per example at `salt + 1`, with std(x) over the global
        batch; "r1" draws nothing.

        Args:
            name: a key of `ganzoo.penalties.PENALTIES`.
            real, fake: the batches the critic update sees (before instance noise).
            labels: the real labels of a conditional model, else None.
            salt: as given to `discriminator_penalty`.
            **options: passed to the penalty function (one_sided=, scale=).

        Example:
        >>> gp = self.penalty_term("wgan-gp", real, fake, labels, salt, one_sided=True)
        """
        penalty_fn = penalties.get(name)
        if penalty_fn is None:
            return None
        critic = lambda x: self.critic(x, labels)[0]  # noqa: E731
        if name == "wgan-gp":
            return penalty_fn(critic, real, fake, alpha=self.per_example_uniform(real, salt), **options)
        if name == "dragan":
            noise = self.random_uniform(tf.shape(real)[0], list(real.shape[1:]), salt)
            return penalty_fn(critic, real, noise=noise, alpha=self.per_example_uniform(real, salt + 1),
                              std=penalties.global_std(real), **options)
        if name == "r1":
            return penalty_fn(critic, real, **options)
        raise NotImplementedError(f"BaseGAN.penalty_term does not know how to draw for penalty {name!r}.")

    def _penalty(self, real, fake, labels, fake_labels, salt):
        if self.penalty is None:
            return self.discriminator_penalty(real, fake, labels, fake_labels, salt)
        term = self.penalty_term(self.penalty, real, fake, labels, salt)
        return None if term is None else self.penalty_weight * term

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

    def critic_batch_rows(self, batch_size):
        """Rows of real data one train_step takes when each update uses `batch_size` (`real_rows`)."""
        return real_rows(batch_size, self.n_critic, self.real_batches)

    def train_step(self, data):
        every_real, every_label = self._unpack(data)
        if self.num_classes and every_label is None:
            raise ValueError("A conditional model needs (images, labels) batches.")
        every_label = None if every_label is None else tf.cast(tf.reshape(every_label, [-1]), tf.int32)
        fresh = self.real_batches == "fresh" and self.n_critic > 1
        rows = every_real.shape[0]
        if fresh and rows is not None and rows % self.n_critic:
            raise ValueError(f"real_batches='fresh' cuts a batch into n_critic={self.n_critic} critic batches; "
                             f"got a batch of {rows} rows. Feed n_critic x B rows (critic_batch_rows(B)).")
        batch = tf.shape(every_real)[0] // self.n_critic if fresh else tf.shape(every_real)[0]
        replicas = tf.cast(self.distribute_strategy.num_replicas_in_sync, tf.float32)
        d_vars = self.discriminator.trainable_variables
        g_vars = self.generator.trainable_variables

        for i in range(self.n_critic):
            salt = SALTS_PER_UPDATE * i
            real, labels = every_real, every_label
            if fresh:  # x^(i) of Algorithm 1: this update's own real batch
                real = every_real[i * batch:(i + 1) * batch]
                labels = None if every_label is None else every_label[i * batch:(i + 1) * batch]
            z = self._latent(batch, salt + SALT_LATENT)
            # The critic's fakes carry the real batch's labels (gan_cifar_resnet.py), so a penalty's
            # interpolate between x and G(z) belongs to one class and is scored with that class.
            fake_labels = labels
            fake = tf.stop_gradient(self.generate_batch(z, fake_labels, training=True))
            with tf.GradientTape() as tape:
                d_real_in = self._add_instance_noise(real, salt + SALT_NOISE_REAL)
                d_fake_in = self._add_instance_noise(fake, salt + SALT_NOISE_FAKE)
                # the update's one power iteration (spectral layers): here; every later call of this
                # update sees the same W / sigma(W) (Miyato et al., Algorithm 1)
                real_logits, _ = self.critic(d_real_in, labels)
                with layers.holding_power_iteration():
                    fake_logits, _ = self.critic(d_fake_in, fake_labels)
                    negatives = fake_logits
                    if self.mismatched_negatives:
                        shift = self.random_uniform(batch, [], salt + SALT_MISMATCH, tf.int32, self.num_classes - 1)
                        wrong = (labels + 1 + shift) % self.num_classes
                        mismatched_logits, _ = self.critic(d_real_in, wrong)
                        negatives = tf.concat([fake_logits, mismatched_logits], 0)
                    d_loss = self.discriminator_loss(real, fake, real_logits, negatives)
                    penalty = self._penalty(real, fake, labels, fake_labels, salt + SALT_PENALTY)
                total = d_loss if penalty is None else d_loss + penalty
                scaled = self.d_optimizer.scale_loss(total / replicas)
            grads = tape.gradient(scaled, d_vars)
            self.d_optimizer.apply_gradients(zip(grads, d_vars))
            self.after_discriminator_step()

        # reported from the last critic update, before the generator moves
        d_real = tf.reduce_mean(tf.cast(real_logits, tf.float32))
        d_fake = tf.reduce_mean(tf.cast(fake_logits, tf.float32))

        salt = SALTS_PER_UPDATE * self.n_critic
        z = self._latent(batch, salt + SALT_LATENT)
        fake_labels = self._random_labels(batch, salt + SALT_FAKE_LABELS) if self.num_classes else None
        with tf.GradientTape() as tape:
            fake = self.generate_batch(z, fake_labels, training=True)
            with layers.holding_power_iteration():  # the critic is not updated here: no iteration
                g_logits, g_features = self.critic(self._add_instance_noise(fake, salt + SALT_NOISE_FAKE), fake_labels)
            g_loss = self.generator_loss(fake, g_logits, g_features)
            scaled = self.g_optimizer.scale_loss(g_loss / replicas)
        grads = tape.gradient(scaled, g_vars)
        self.g_optimizer.apply_gradients(zip(grads, g_vars))

        # d_loss is the adversarial loss alone, comparable across penalties and weights
        values = {
            "d_loss": d_loss,
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
        generator's moving-average weights are used. The result must fit in
        `MAX_GENERATE_BYTES` (4 GiB); `iter_generate` streams any `n` in batches.
        """
        n = self._check_count(n)
        needed = 4 * n * int(np.prod(self.data_shape))
        if needed > MAX_GENERATE_BYTES:
            raise ValueError(f"generate({n}) would hold {needed / 2**30:.1f} GiB of samples, more than "
                             f"MAX_GENERATE_BYTES ({MAX_GENERATE_BYTES / 2**30:.0f} GiB); use "
                             "iter_generate(n, seed=...) to stream them in batches.")
        out = np.zeros((n, *self.data_shape), "float32")
        for start, chunk in self.iter_generate(n, seed=seed, labels=labels, batch_size=batch_size):
            out[start:start + len(chunk)] = chunk
        return out

    def iter_generate(self, n, seed=None, labels=None, batch_size=1000):
        """Yields (start, samples) batches of the same `n` samples `generate` returns, in bounded memory.

        The latents are drawn batch by batch from one seeded stream, so the
        batches concatenate to exactly `generate(n, seed)`.
        """
        n = self._check_count(n)
        rng = np.random.default_rng(seed)
        if self.num_classes:
            if labels is None:
                labels = np.arange(n) % self.num_classes
            labels = np.asarray(labels, dtype="int32").reshape(-1)
            if labels.shape[0] != n or (n and (labels.min() < 0 or labels.max() >= self.num_classes)):
                raise ValueError(
                    f"labels must be {n} ints in [0, {self.num_classes}), got shape {labels.shape}."
                )
        elif labels is not None:
            raise ValueError("labels given to an unconditional model.")
        if self._sample_fn is None:
            self._sample_fn = tf.function(
                lambda z, y: self.generate_batch(z, y, training=False), reduce_retracing=True
            )
        return self._batches(n, rng, labels, batch_size)

    def _batches(self, n, rng, labels, batch_size):
        for start in range(0, n, batch_size):
            count = min(batch_size, n - start)
            z = rng.standard_normal((count, self.latent_dim)).astype("float32")
            y = None if labels is None else labels[start:start + count]
            # the EMA weights are swapped in per batch, never across a yield: a paused or abandoned
            # iterator (or two at once) leaves the generator's own weights in place
            with self._ema_weights():
                samples = np.asarray(self._sample_fn(z, y)).astype("float32")
            yield start, samples

    @staticmethod
    def _check_count(n):
        if isinstance(n, bool) or int(n) != n or n < 0:
            raise ValueError(f"The number of samples must be an int >= 0, got {n!r}.")
        return int(n)

    @contextlib.contextmanager
    def _ema_weights(self):
        """Temporarily swaps the generator's weights for their moving average.

        Before the first update there is no average yet (Keras forms it from the weights at the first
        step; its variables are zeros until then): the generator's own weights are the samples, as
        for a networks-only file, which stores the average as the generator's weights.
        """
        opt = getattr(self, "g_optimizer", None)
        if self.ema_decay is None or opt is None or not opt.built or int(opt.iterations) == 0:
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


def _float32(x):
    return x if x is None or x.dtype == tf.float32 else tf.cast(x, tf.float32)
