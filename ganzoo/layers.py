"""Spectrally normalised Dense and Conv2D layers, as Miyato et al. 2018 define them (arXiv:1802.05957).

The layer keeps its kernel W as the free parameter and computes with
W_SN = W / sigma(W), differentiating through sigma:

    sigma(W) ~= u^T W_mat v,   W_mat = W reshaped to (fan_in, units),

where (v, u) are the left and right singular-vector estimates of one power
iteration per update of W, treated as constants (Algorithm 1 of the paper).
A training call iterates once; calls inside `holding_power_iteration()` use
the stored u and v, so one critic update iterates once however many times it
calls the critic (real, fake, penalty points), and its real and fake logits
see the same W_SN. (PyTorch's `spectral_norm` and the authors' chainer code
iterate on every training-mode forward pass instead; `BaseGAN` holds the
iteration after each update's first critic call and through the generator
step.)

    v <- W_mat u / ||W_mat u||,   u <- W_mat^T v / ||W_mat^T v||.

So d sigma / d W_mat = v u^T, and the gradient of W_SN is
(G - <G, W_SN> v u^T) / sigma for an upstream gradient G (eq. 12 of the
paper): the part of the update along the top singular direction is removed.

`keras.layers.SpectralNormalization` (Keras 3.15) differs: it overwrites the
wrapped kernel with W / sigma(W) on every training call and passes no gradient
through sigma. Under a mixed policy it also computes sigma from the kernel
rounded to bfloat16 and writes that rounding back into the float32 weights.
Here the power iteration and sigma are float32 (the kernel and the vectors are
read without autocasting), and only W_SN is cast to the compute dtype.

Inference (`training=False`) uses the stored u and v: no iteration, so
sampling or evaluating a critic never changes it.
"""

import contextlib
import math

import keras
from keras import ops

EPSILON = 1e-12  # ||x|| + EPSILON in the normalisations, as in PyTorch's spectral_norm
# Depth of `holding_power_iteration` contexts; read when a call is traced (Python state, not a tensor).
_HOLDS = [0]


@contextlib.contextmanager
def holding_power_iteration():
    """Inside, spectral layers compute with their stored u and v even in training: no power iteration.

    Example:
    >>> logits = critic(real, training=True)         # iterates once
    >>> with holding_power_iteration():
    ...     fake_logits = critic(fake, training=True)  # the same W / sigma(W)
    """
    _HOLDS[0] += 1
    try:
        yield
    finally:
        _HOLDS[0] -= 1


def _iterates(training):
    return bool(training) and not _HOLDS[0]


def _l2_normalize(x):
    return x / (ops.sqrt(ops.sum(ops.square(x))) + EPSILON)


class _SpectralNorm(keras.layers.Layer):
    """Shared machinery: the kernel, the bias and the power-iteration vectors u, v."""

    def __init__(self, units, *, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def _build_weights(self, kernel_shape):
        fan_in = math.prod(int(d) for d in kernel_shape[:-1])
        # autocast=False: read as float32 in call, whatever the compute dtype
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer=self.kernel_initializer,
                                      autocast=False)
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer) \
            if self.use_bias else None
        normal = keras.initializers.RandomNormal(0.0, 1.0)
        self.u = self.add_weight(name="u", shape=(self.units,), initializer=normal, trainable=False, autocast=False)
        self.v = self.add_weight(name="v", shape=(fan_in,), initializer=normal, trainable=False, autocast=False)

    def normalized_kernel(self, training=False):
        """W / sigma(W) in float32; with `training`, after one power iteration that updates u and v."""
        if training:
            w = ops.stop_gradient(self._matrix())
            v = _l2_normalize(ops.matmul(w, _l2_normalize(ops.cast(self.u, "float32"))))
            self.v.assign(v)
            self.u.assign(_l2_normalize(ops.matmul(ops.transpose(w), v)))
        return ops.cast(self.kernel, "float32") / self.sigma()

    def sigma(self):
        """v^T W u with the stored u, v: the top singular value's estimate, differentiable in W (u, v constants)."""
        return ops.sum(ops.cast(self.v, "float32") * ops.matmul(self._matrix(), ops.cast(self.u, "float32")))

    def _matrix(self):
        return ops.reshape(ops.cast(self.kernel, "float32"), (-1, self.units))

    def _add_bias(self, y):
        return y if self.bias is None else y + ops.cast(self.bias, y.dtype)

    def get_config(self):
        return {**super().get_config(), "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer)}


@keras.saving.register_keras_serializable(package="ganzoo")
class SpectralDense(_SpectralNorm):
    """`keras.layers.Dense` with a spectrally normalised kernel (see the module docstring).

    Args:
        units: output size.
        use_bias, kernel_initializer, bias_initializer: as in `keras.layers.Dense`.

    Example:
    >>> layer = SpectralDense(16)
    >>> y = layer(keras.random.normal((4, 8)), training=True)  # one power iteration
    """

    def build(self, input_shape):
        self._build_weights((int(input_shape[-1]), self.units))

    def call(self, inputs, training=False):
        kernel = ops.cast(self.normalized_kernel(_iterates(training)), self.compute_dtype)
        return self._add_bias(ops.matmul(inputs, kernel))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="ganzoo")
class SpectralConv2D(_SpectralNorm):
    """`keras.layers.Conv2D` (channels last) with a spectrally normalised kernel.

    As in the paper, sigma is that of the kernel reshaped to
    (kh * kw * in_channels, filters), not of the convolution operator.

    Args:
        filters, kernel_size, strides, padding: as in `keras.layers.Conv2D`.
        use_bias, kernel_initializer, bias_initializer: as in `keras.layers.Conv2D`.

    Example:
    >>> layer = SpectralConv2D(32, 4, strides=2, padding="same")
    """

    def __init__(self, filters, kernel_size, *, strides=1, padding="valid", **kwargs):
        super().__init__(filters, **kwargs)
        self.kernel_size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
        self.strides = (strides, strides) if isinstance(strides, int) else tuple(strides)
        self.padding = padding

    def build(self, input_shape):
        self._build_weights((*self.kernel_size, int(input_shape[-1]), self.units))

    def call(self, inputs, training=False):
        kernel = ops.cast(self.normalized_kernel(_iterates(training)), self.compute_dtype)
        return self._add_bias(ops.conv(inputs, kernel, strides=self.strides, padding=self.padding))

    def compute_output_shape(self, input_shape):
        return keras.layers.Conv2D(self.units, self.kernel_size, strides=self.strides,
                                   padding=self.padding).compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "filters": self.units, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding}
