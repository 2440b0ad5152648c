"""Regularisers of the discriminator, as pure functions of the critic.

After compare_gan's `penalty_lib.py`: each takes the critic (a callable from a
batch of inputs to logits) and returns the *unweighted* penalty; the model
multiplies it by its weight (lambda). Randomness is stateless: pass `seed`
(an int or a shape-[2] integer tensor) for reproducible draws, or the draw
itself (`alpha=...`, `noise=...`) as the models do to keep the result
independent of the number of replicas.
"""

import tensorflow as tf

EPSILON = 1e-10  # inside the sqrt: d||g||/dg = g / ||g|| is finite at g = 0


def _seed(seed):
    if seed is None:
        return tf.random.uniform([2], maxval=2**31 - 1, dtype=tf.int32)
    if isinstance(seed, int):
        return tf.constant([seed, 0], dtype=tf.int32)
    return seed


def _broadcast_shape(x):
    """(B, 1, ..., 1): one value per example, broadcastable against x."""
    return tf.concat([tf.shape(x)[:1], tf.ones([tf.rank(x) - 1], tf.int32)], 0)


def _gradient_norms(critic, points):
    """Per-example ||grad_x D(x)||_2 at `points`, with EPSILON inside the sqrt.

    The gradient is of the sum of the critic's outputs, so a patch critic's
    per-example gradient is that of its patch sum.
    """
    with tf.GradientTape() as tape:
        tape.watch(points)
        logits = critic(points)
    grads = tape.gradient(logits, points)
    axes = tf.range(1, tf.rank(grads))
    return tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + EPSILON)


def _norm_penalty(norms, one_sided):
    if one_sided:
        return tf.reduce_mean(tf.square(tf.nn.relu(norms - 1.0)))
    return tf.reduce_mean(tf.square(norms - 1.0))


def interpolation_alpha(x, seed=None):
    """alpha ~ U[0, 1], one per example, shape (B, 1, ..., 1)."""
    return tf.random.stateless_uniform(_broadcast_shape(x), _seed(seed), dtype=x.dtype)


def gradient_penalty(critic, real, fake, *, one_sided=False, seed=None, alpha=None):
    """WGAN-GP penalty E[(||grad D(x_hat)||_2 - 1)^2] (Gulrajani et al. 2017, arXiv:1704.00028).

    x_hat = alpha x + (1 - alpha) G(z) with alpha ~ U[0, 1] drawn once per
    example (not per pixel, and not from N(0, 1) as in the keras.io example).
    `one_sided=True` gives E[max(0, ||grad D(x_hat)|| - 1)^2] (§4 of the paper).

    Args:
        critic: callable, inputs -> logits.
        real, fake: tensors of the same shape (B, ...).
        one_sided: penalise only norms above 1.
        seed: stateless seed for alpha.
        alpha: optional pre-drawn alpha of shape (B, 1, ..., 1).
    Returns:
        Scalar penalty, unweighted (the paper's lambda = 10 is the model's).
    """
    real = tf.convert_to_tensor(real)
    fake = tf.cast(tf.convert_to_tensor(fake), real.dtype)
    if alpha is None:
        alpha = interpolation_alpha(real, seed)
    x_hat = alpha * real + (1.0 - alpha) * fake
    return _norm_penalty(_gradient_norms(critic, x_hat), one_sided)


def dragan_penalty(
    critic, real, *, scale=0.5, perturbation="one_sided", one_sided=False, seed=None, noise=None, alpha=None,
    std=None,
):
    """DRAGAN penalty on points near the data (Kodali et al. 2017, arXiv:1705.07215).

    penalty E[(||grad D(x_hat)|| - 1)^2], u ~ U[0, 1] per element, std = std(x)
    over all elements of `real` unless given. `perturbation`:
    - "one_sided", the authors' code: x_p = x + scale * std * u, then
      x_hat = x + alpha (x_p - x), alpha ~ U[0, 1] per example. Every point
      moves up along each axis: the penalised region sits to one side of the data.
    - "centred": x_hat = x + scale * std * (2u - 1), no alpha; centred on the
      data as the paper's x + delta, delta ~ N(0, cI), is (compare_gan's
      penalty_lib: x + std (u - 0.5), i.e. scale 0.5).
    """
    if perturbation not in ("one_sided", "centred"):
        raise ValueError(f"perturbation must be 'one_sided' or 'centred', got {perturbation!r}.")
    real = tf.convert_to_tensor(real)
    seed = _seed(seed)
    if noise is None:
        noise = tf.random.stateless_uniform(tf.shape(real), seed, dtype=real.dtype)
    if std is None:
        std = tf.math.reduce_std(real)
    if perturbation == "centred":
        x_hat = real + scale * std * (2.0 * noise - 1.0)
        return _norm_penalty(_gradient_norms(critic, x_hat), one_sided)
    if alpha is None:
        alpha = interpolation_alpha(real, seed + 1)
    x_hat = real + alpha * scale * std * noise
    return _norm_penalty(_gradient_norms(critic, x_hat), one_sided)


def r1_penalty(critic, real):
    """R1: E[||grad D(x)||^2] on real data (Mescheder et al. 2018, arXiv:1801.04406).

    Usually weighted by gamma / 2.
    """
    real = tf.convert_to_tensor(real)
    norms = _gradient_norms(critic, real)
    return tf.reduce_mean(tf.square(norms) - EPSILON)


def consistency_term(first, second, *, feature_weight=0.1, margin=0.0):
    """CT-GAN consistency term (Wei et al. 2018, arXiv:1803.01541, eq. 4).

    E[max(0, d(D(x'), D(x'')) + 0.1 d(D_(x'), D_(x'')) - M')] for two
    stochastic (dropout) passes of the critic over the same real batch. As in
    the authors' code, d is the squared difference of the logits plus the mean
    squared difference of the penultimate-layer features, and M' = 0.

    Args:
        first, second: `(logits, features)` of the two passes; `features` may
            be None for a critic without a feature output.
    """
    logits_1, features_1 = first
    logits_2, features_2 = second
    d = tf.reshape(tf.square(logits_1 - logits_2), [tf.shape(logits_1)[0], -1])
    d = tf.reduce_mean(d, axis=1)
    if features_1 is not None:
        f = tf.reshape(tf.square(features_1 - features_2), [tf.shape(features_1)[0], -1])
        d = d + feature_weight * tf.reduce_mean(f, axis=1)
    return tf.reduce_mean(tf.nn.relu(d - margin))


def pull_away_term(codes):
    """EBGAN pull-away term (Zhao et al. 2016, eq. 4).

    f_PT = 1 / (N (N - 1)) sum_{i != j} (s_i . s_j / (||s_i|| ||s_j||))^2 over
    the encoder codes s of a batch: 0 for mutually orthogonal codes, 1 when all
    codes point the same way.
    """
    s = tf.reshape(tf.cast(codes, tf.float32), [tf.shape(codes)[0], -1])
    s = s / tf.sqrt(tf.reduce_sum(tf.square(s), axis=1, keepdims=True) + EPSILON)
    cos2 = tf.square(tf.matmul(s, s, transpose_b=True))
    n = tf.cast(tf.shape(s)[0], tf.float32)
    off_diagonal = tf.reduce_sum(cos2) - tf.reduce_sum(tf.linalg.diag_part(cos2))
    return off_diagonal / (n * (n - 1.0))


def squared_weight_norm(variables):
    """sum_w ||w||^2 over `variables`: (decay / 2) of it in a loss adds decay * w to each gradient.

    That is the coupled L2 weight decay of Torch's optim (gradient + decay * w, then Adam),
    which the loss-sensitive GAN's code uses (lsgan.lua: `accGradD + opt.decay_rate * x`).
    """
    return tf.add_n([tf.reduce_sum(tf.square(tf.cast(v, tf.float32))) for v in variables])


def global_std(x):
    """Standard deviation of every element of x over the global batch (all replicas), not this replica's slice."""
    context = tf.distribute.get_replica_context()
    x = tf.cast(x, tf.float32)
    sums = tf.stack([tf.reduce_sum(x), tf.reduce_sum(tf.square(x)), tf.cast(tf.size(x), tf.float32)])
    if context is not None and context.num_replicas_in_sync > 1:
        sums = context.all_reduce("sum", sums)
    mean = sums[0] / sums[2]
    return tf.sqrt(tf.maximum(sums[1] / sums[2] - tf.square(mean), 0.0))


# The penalties a model's `penalty=` option selects, apart from its loss (as
# compare_gan's penalty_lib); `BaseGAN.penalty_term` makes each one's draws.
PENALTIES = {
    "none": None,
    "wgan-gp": gradient_penalty,
    "dragan": dragan_penalty,
    "r1": r1_penalty,
}
# lambda = 10 (Gulrajani et al. 2017; Kodali et al. 2017); R1: gamma / 2 with
# gamma = 10 (Mescheder et al. 2018).
DEFAULT_WEIGHTS = {"wgan-gp": 10.0, "dragan": 10.0, "r1": 5.0}


def get(name):
    """The penalty function called `name` in `PENALTIES` (None for "none").

    Example:
    >>> penalties.get("wgan-gp") is penalties.gradient_penalty
    True
    """
    if name not in PENALTIES:
        import difflib

        close = difflib.get_close_matches(str(name), PENALTIES, n=3, cutoff=0.3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"Unknown penalty {name!r}; known: {', '.join(PENALTIES)}.{hint}")
    return PENALTIES[name]
