"""Default generator and discriminator networks, as serialisable functional models.

- MLP nets for 2-d toy data: 3 x 512 ReLU layers by default, as WGAN-GP's
  `gan_toy.py` (PacGAN's are different: G 4 x 400 with batch norm, D 3 x 200 maxout).
- DCGAN nets (Radford et al. 2016, arXiv:1511.06434) for 28x28, 32x32 and
  64x64 images: the discriminator uses 4x4 stride-2 convolutions with
  LeakyReLU(0.2) and a normalisation after every convolution but the first;
  the generator mirrors it with 4x4 stride-2 transposed convolutions, batch
  norm, ReLU and a tanh output.
- The SNGAN paper's "standard CNN" (Miyato et al. 2018, Table 3) for 32x32
  images: 3x3 stride-1 / 4x4 stride-2 convolution pairs with LeakyReLU(0.1)
  in the discriminator, three transposed convolutions and a 3x3 output in the
  generator (`architecture="sngan_cnn"`).
- An autoencoder discriminator for EBGAN whose outputs are the per-example
  energy and the encoder code.

A discriminator returns logits of shape (B, 1), or `[logits, features]` with
`return_features=True` (features: the penultimate layer, used by CT-GAN).
Conditional networks (``num_classes``) take `[inputs, labels]`; the
discriminator is a projection discriminator (Miyato & Koyama 2018,
arXiv:1802.05637): logits = psi(phi(x)) + <embed(y), phi(x)>.
"""

import keras
from keras import layers

from ganzoo.layers import SpectralConv2D, SpectralDense

# generator / discriminator widths per image size: (start size, G widths, D widths)
DCGAN_SPECS = {
    28: (7, (256, 128), (64, 128)),
    32: (4, (512, 256, 128), (64, 128, 256)),
    64: (4, (512, 256, 128, 64), (64, 128, 256, 512)),
}
# Miyato et al. 2018's "standard CNN" (Table 3) per image size: (start size, G widths, D widths).
# G: z -> dense start x start x G[0] -> 4x4 stride-2 deconvs to G[1:] -> 3x3 conv to the image, tanh;
# D: a 3x3 stride-1 and a 4x4 stride-2 convolution at each of D[:-1], then a 3x3 at D[-1], LeakyReLU 0.1.
SNGAN_CNN_SPECS = {32: (4, (512, 256, 128, 64), (64, 128, 256, 512))}
# "mlp": vectors only; "dcgan": `DCGAN_SPECS`; "sngan_cnn": `SNGAN_CNN_SPECS`
ARCHITECTURES = ("mlp", "dcgan", "sngan_cnn")
# "spectral": Miyato et al.'s W / sigma(W) with the gradient through sigma (`ganzoo.layers`);
# "spectral_keras": keras.layers.SpectralNormalization, which overwrites the kernel and passes no
# gradient through sigma (kept to compare the two).
NORMALIZATIONS = ("batch", "layer", "spectral", "spectral_keras", "none")
SPECTRAL = ("spectral", "spectral_keras")


def check_data_shape(data_shape):
    """Returns `data_shape` as a tuple or raises one clear error."""
    try:
        data_shape = tuple(int(d) for d in data_shape)
    except (TypeError, ValueError):
        raise ValueError(f"data_shape must be a tuple of ints, got {data_shape!r}.") from None
    if len(data_shape) == 1 and data_shape[0] > 0:
        return data_shape
    if len(data_shape) == 3 and data_shape[0] == data_shape[1] and data_shape[0] in DCGAN_SPECS:
        if data_shape[2] in (1, 3):
            return data_shape
    raise ValueError(
        f"Unsupported data_shape {data_shape}: the default networks take (d,) vectors "
        f"or square images of size {sorted(DCGAN_SPECS)} with 1 or 3 channels; "
        "pass your own generator/discriminator for anything else."
    )


def _labels_input():
    return keras.Input(shape=(), dtype="int32", name="labels")


def _generator_head(latent_dim, num_classes):
    """Latent input, optionally joined with a learned label embedding."""
    z = keras.Input(shape=(latent_dim,), name="latent")
    if not num_classes:
        return [z], z
    y = _labels_input()
    embedded = layers.Embedding(num_classes, min(latent_dim, 64), name="label_embedding")(y)
    return [z, y], layers.Concatenate()([z, embedded])


def _discriminator_tail(inputs, features, num_classes, spectral, return_features, name):
    """Linear output plus the projection term when conditional.

    Output layers here and in the generators compute in float32, so logits,
    losses and penalties stay float32 under a mixed-precision policy.
    """
    logits = _maybe_spectral(layers.Dense(1, name="logits", dtype="float32"), spectral)(features)
    if num_classes:
        y = _labels_input()
        inputs = [inputs, y]
        embed = layers.Embedding(num_classes, features.shape[-1], name="projection", dtype="float32")
        projection = layers.Dot(axes=1, dtype="float32")([embed(y), features])
        logits = layers.Add(dtype="float32")([logits, projection])
    outputs = [logits, features] if return_features else logits
    return keras.Model(inputs, outputs, name=name)


def _maybe_spectral(layer, spectral):
    """`layer` as is (spectral None/False), wrapped in Keras' layer ("spectral_keras"), or as ganzoo's."""
    if spectral == "spectral_keras":
        return keras.layers.SpectralNormalization(layer)
    if not spectral:
        return layer
    config = layer.get_config()
    common = {"name": config["name"], "dtype": config["dtype"], "use_bias": config["use_bias"]}
    if isinstance(layer, layers.Conv2D):
        return SpectralConv2D(config["filters"], config["kernel_size"], strides=config["strides"],
                              padding=config["padding"], **common)
    return SpectralDense(config["units"], **common)


def _mlp_widths(units, depth, widths):
    widths = tuple(int(w) for w in widths) if widths else (int(units),) * int(depth)
    if not widths or min(widths) < 1:
        raise ValueError(f"MLP widths must be positive layer sizes, got {widths}.")
    return widths


def mlp_generator(latent_dim, data_dim=2, *, units=512, depth=3, widths=None, num_classes=None):
    """MLP generator for toy data: `depth` x Dense(units, ReLU) (or one layer per `widths`), linear output."""
    inputs, h = _generator_head(latent_dim, num_classes)
    for i, width in enumerate(_mlp_widths(units, depth, widths)):
        h = layers.Dense(width, activation="relu", name=f"dense_{i}")(h)
    out = layers.Dense(data_dim, name="output", dtype="float32")(h)
    return keras.Model(inputs if num_classes else inputs[0], out, name="generator")


def mlp_discriminator(
    data_dim=2, *, units=512, depth=3, widths=None, normalization="none", dropout=0.0,
    return_features=False, num_classes=None,
):
    """MLP critic for toy data: `depth` x Dense(units, ReLU) (or one layer per `widths`), linear output."""
    _check_normalization(normalization)
    spectral = normalization if normalization in SPECTRAL else None
    x = keras.Input(shape=(data_dim,), name="inputs")
    h = x
    for i, width in enumerate(_mlp_widths(units, depth, widths)):
        h = _maybe_spectral(layers.Dense(width, name=f"dense_{i}"), spectral)(h)
        if normalization == "layer":
            h = layers.LayerNormalization(name=f"norm_{i}")(h)
        elif normalization == "batch":
            h = layers.BatchNormalization(name=f"norm_{i}")(h)
        h = layers.ReLU()(h)
        if dropout:
            h = layers.Dropout(dropout)(h)
    return _discriminator_tail(x, h, num_classes, spectral, return_features, "discriminator")


def _dcgan_widths(widths, default):
    if not widths:
        return default
    widths = tuple(int(w) for w in widths)
    if len(widths) != len(default) or min(widths) < 1:
        raise ValueError(f"This image size needs {len(default)} positive layer widths (default {default}), got {widths}.")
    return widths


def dcgan_generator(latent_dim, data_shape, *, widths=None, num_classes=None):
    """DCGAN generator (Radford et al. 2016) for 28, 32 or 64 pixel square images.

    Args:
        widths: channels of the projection and each upsampling block but the
            last (default `DCGAN_SPECS[size][1]`, e.g. (256, 128) at 28 px).
    """
    size, channels = data_shape[0], data_shape[2]
    start, default, _ = DCGAN_SPECS[size]
    widths = _dcgan_widths(widths, default)
    inputs, h = _generator_head(latent_dim, num_classes)
    h = layers.Dense(start * start * widths[0], use_bias=False, name="project")(h)
    h = layers.Reshape((start, start, widths[0]))(h)
    h = layers.ReLU()(layers.BatchNormalization(name="bn_0")(h))
    for i, width in enumerate(widths[1:], start=1):
        h = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False, name=f"deconv_{i}")(h)
        h = layers.ReLU()(layers.BatchNormalization(name=f"bn_{i}")(h))
    out = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh", name="output", dtype="float32")(h)
    return keras.Model(inputs if num_classes else inputs[0], out, name="generator")


def dcgan_discriminator(
    data_shape, *, widths=None, normalization="batch", dropout=0.0, return_features=False, num_classes=None,
):
    """DCGAN discriminator (Radford et al. 2016) with a choice of normalisation.

    Args:
        normalization: "batch" (DCGAN), "layer" (WGAN-GP: no batch norm in a
            penalised critic), "spectral" (SNGAN, on every layer) or "none".
        dropout: dropout rate after every activation (CT-GAN).
        widths: channels of each stride-2 convolution (default
            `DCGAN_SPECS[size][2]`, e.g. (64, 128) at 28 px).
    """
    _check_normalization(normalization)
    spectral = normalization if normalization in SPECTRAL else None
    widths = _dcgan_widths(widths, DCGAN_SPECS[data_shape[0]][2])
    x = keras.Input(shape=tuple(data_shape), name="inputs")
    h = x
    for i, width in enumerate(widths):
        h = _maybe_spectral(layers.Conv2D(width, 4, strides=2, padding="same", name=f"conv_{i}"), spectral)(h)
        if i > 0 and normalization == "batch":
            h = layers.BatchNormalization(name=f"norm_{i}")(h)
        elif i > 0 and normalization == "layer":
            h = layers.LayerNormalization(axis=[1, 2, 3], name=f"norm_{i}")(h)
        h = layers.LeakyReLU(0.2)(h)
        if dropout:
            h = layers.Dropout(dropout)(h)
    h = layers.Flatten()(h)
    return _discriminator_tail(x, h, num_classes, spectral, return_features, "discriminator")


def sngan_cnn_generator(latent_dim, data_shape, *, widths=None, num_classes=None):
    """The generator of Miyato et al. 2018's standard CNN (Table 3a; arXiv:1802.05957).

    z -> dense 4 x 4 x 512 -> three 4x4 stride-2 transposed convolutions
    (256, 128, 64), each with batch norm and ReLU -> 3x3 stride-1
    convolution to the channels, tanh. Layers followed by batch norm have
    no bias (the norm's beta is one).

    Args:
        widths: the projection's channels, then each transposed convolution's
            (default `SNGAN_CNN_SPECS[size][1]`); (256, 128, 64, 32) is half width.
    """
    size, channels = data_shape[0], data_shape[2]
    start, default, _ = SNGAN_CNN_SPECS[size]
    widths = _dcgan_widths(widths, default)
    inputs, h = _generator_head(latent_dim, num_classes)
    h = layers.Dense(start * start * widths[0], use_bias=False, name="project")(h)
    h = layers.Reshape((start, start, widths[0]))(h)
    h = layers.ReLU()(layers.BatchNormalization(name="bn_0")(h))
    for i, width in enumerate(widths[1:], start=1):
        h = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False, name=f"deconv_{i}")(h)
        h = layers.ReLU()(layers.BatchNormalization(name=f"bn_{i}")(h))
    out = layers.Conv2D(channels, 3, padding="same", activation="tanh", name="output", dtype="float32")(h)
    return keras.Model(inputs if num_classes else inputs[0], out, name="generator")


def sngan_cnn_discriminator(
    data_shape, *, widths=None, normalization="spectral", dropout=0.0, return_features=False, num_classes=None,
):
    """The discriminator of Miyato et al. 2018's standard CNN (Table 3b).

    At each width but the last, a 3x3 stride-1 then a 4x4 stride-2
    convolution; then a 3x3 convolution at the last width and a dense
    output; LeakyReLU(0.1) after every convolution. In the paper every
    layer is spectrally normalised; "batch" and "layer" add that norm after
    every convolution but the first (as `dcgan_discriminator`), "none" none.

    Args:
        widths: (default `SNGAN_CNN_SPECS[size][2]`, (64, 128, 256, 512));
            (32, 64, 128, 256) is half width.
        Others: as `dcgan_discriminator`.
    """
    _check_normalization(normalization)
    spectral = normalization if normalization in SPECTRAL else None
    widths = _dcgan_widths(widths, SNGAN_CNN_SPECS[data_shape[0]][2])
    plan = [(w, k, s) for w in widths[:-1] for k, s in ((3, 1), (4, 2))] + [(widths[-1], 3, 1)]
    x = keras.Input(shape=tuple(data_shape), name="inputs")
    h = x
    for i, (width, kernel, stride) in enumerate(plan):
        h = _maybe_spectral(layers.Conv2D(width, kernel, strides=stride, padding="same", name=f"conv_{i}"),
                            spectral)(h)
        if i > 0 and normalization == "batch":
            h = layers.BatchNormalization(name=f"norm_{i}")(h)
        elif i > 0 and normalization == "layer":
            h = layers.LayerNormalization(axis=[1, 2, 3], name=f"norm_{i}")(h)
        h = layers.LeakyReLU(0.1)(h)
        if dropout:
            h = layers.Dropout(dropout)(h)
    h = layers.Flatten()(h)
    return _discriminator_tail(x, h, num_classes, spectral, return_features, "discriminator")


def default_architecture(data_shape):
    """"mlp" for vectors, "dcgan" for images."""
    return "mlp" if len(check_data_shape(data_shape)) == 1 else "dcgan"


def check_architecture(architecture, data_shape):
    """`architecture`, or one clear error naming what is wrong with it for `data_shape`."""
    data_shape = check_data_shape(data_shape)
    if architecture not in ARCHITECTURES:
        raise ValueError(f"Unknown architecture {architecture!r}; expected one of {ARCHITECTURES}.")
    if (architecture == "mlp") != (len(data_shape) == 1):
        raise ValueError(f"architecture {architecture!r} does not fit data of shape {data_shape}: "
                         "'mlp' is for vectors, 'dcgan' and 'sngan_cnn' for images.")
    if architecture == "sngan_cnn" and data_shape[0] not in SNGAN_CNN_SPECS:
        raise ValueError(f"The SNGAN standard CNN is defined for {sorted(SNGAN_CNN_SPECS)} px images, "
                         f"not {data_shape[0]} px; use architecture 'dcgan'.")
    return architecture


AUTOENCODER_NORMALIZATIONS = ("batch", "none")


def autoencoder_discriminator(data_shape, *, code_dim=None, widths=None, normalization="batch"):
    """EBGAN autoencoder discriminator (Zhao et al. 2016): outputs `[energy, code]`.

    energy = per-example mean squared reconstruction error over all pixels
    (or coordinates), shape (B,); code = the encoder's output, shape (B, code_dim).
    `normalization` is "batch" (after every hidden layer but the first
    convolution, DCGAN-style) or "none".
    """
    if normalization not in AUTOENCODER_NORMALIZATIONS:
        raise ValueError(f"The EBGAN autoencoder's normalization must be one of {AUTOENCODER_NORMALIZATIONS}, "
                         f"got {normalization!r}.")
    data_shape = tuple(data_shape)
    x = keras.Input(shape=data_shape, name="inputs")
    if len(data_shape) == 1:
        code_dim = code_dim or 64
        widths = _mlp_widths(512, 2, widths)

        def dense(h, width, name):
            h = layers.Dense(width, name=name)(h)
            if normalization == "batch":
                h = layers.BatchNormalization(name=f"{name}_norm")(h)
            return layers.ReLU()(h)

        h = x
        for i, width in enumerate(widths):
            h = dense(h, width, f"enc_{i}")
        code = layers.Dense(code_dim, name="code")(h)
        h = code
        for i, width in enumerate(reversed(widths)):
            h = dense(h, width, f"dec_{i}")
        recon = layers.Dense(data_shape[0], name="reconstruction")(h)
    else:
        code_dim = code_dim or 128
        size, channels = data_shape[0], data_shape[2]
        start, _, default = DCGAN_SPECS[size]
        widths = _dcgan_widths(widths, default)
        h = x
        for i, width in enumerate(widths):
            h = layers.Conv2D(width, 4, strides=2, padding="same", name=f"enc_{i}")(h)
            if i > 0 and normalization == "batch":
                h = layers.BatchNormalization(name=f"enc_norm_{i}")(h)
            h = layers.LeakyReLU(0.2)(h)
        code = layers.Dense(code_dim, name="code")(layers.Flatten()(h))
        h = layers.Dense(start * start * widths[-1], name="dec_project")(code)
        h = layers.Reshape((start, start, widths[-1]))(h)
        for i, width in enumerate(reversed(widths[:-1])):
            h = layers.Conv2DTranspose(width, 4, strides=2, padding="same", name=f"dec_{i}")(h)
            if normalization == "batch":
                h = layers.BatchNormalization(name=f"dec_norm_{i}")(h)
            h = layers.ReLU()(h)
        recon = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", name="reconstruction")(h)
    energy = ReconstructionEnergy(name="energy", dtype="float32")([recon, x])
    return keras.Model(x, [energy, code], name="discriminator")


@keras.saving.register_keras_serializable(package="ganzoo")
class ReconstructionEnergy(layers.Layer):
    """Per-example mean squared error between `[reconstruction, inputs]`, shape (B,)."""

    def call(self, inputs):
        reconstruction, x = inputs
        error = keras.ops.reshape(keras.ops.square(reconstruction - x), (keras.ops.shape(x)[0], -1))
        return keras.ops.mean(error, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0],)


def _specs(architecture):
    return SNGAN_CNN_SPECS if architecture == "sngan_cnn" else DCGAN_SPECS


def default_generator_widths(data_shape, architecture=None):
    """Layer sizes of the default generator: 3 x 512 for vectors, the architecture's widths for images."""
    data_shape = check_data_shape(data_shape)
    architecture = check_architecture(architecture or default_architecture(data_shape), data_shape)
    return (512, 512, 512) if len(data_shape) == 1 else _specs(architecture)[data_shape[0]][1]


def default_discriminator_widths(data_shape, architecture=None):
    """Layer sizes of the default discriminator: 3 x 512 for vectors, the architecture's widths for images."""
    data_shape = check_data_shape(data_shape)
    architecture = check_architecture(architecture or default_architecture(data_shape), data_shape)
    return (512, 512, 512) if len(data_shape) == 1 else _specs(architecture)[data_shape[0]][2]


def _check_normalization(normalization):
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"Unknown normalization {normalization!r}; expected one of {NORMALIZATIONS}.")


def default_generator(latent_dim, data_shape, num_classes=None, widths=None, architecture=None):
    data_shape = check_data_shape(data_shape)
    architecture = check_architecture(architecture or default_architecture(data_shape), data_shape)
    if architecture == "mlp":
        return mlp_generator(latent_dim, data_shape[0], widths=widths, num_classes=num_classes)
    build = sngan_cnn_generator if architecture == "sngan_cnn" else dcgan_generator
    return build(latent_dim, data_shape, widths=widths, num_classes=num_classes)


def default_discriminator(data_shape, num_classes=None, architecture=None, **options):
    data_shape = check_data_shape(data_shape)
    architecture = check_architecture(architecture or default_architecture(data_shape), data_shape)
    if architecture == "mlp":
        return mlp_discriminator(data_shape[0], num_classes=num_classes, **options)
    build = sngan_cnn_discriminator if architecture == "sngan_cnn" else dcgan_discriminator
    return build(data_shape, num_classes=num_classes, **options)
