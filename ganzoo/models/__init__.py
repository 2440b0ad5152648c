"""GAN variants as Keras models; `build(variant, data_shape)` gives one with default networks."""

from ganzoo.models.base import BaseGAN
from ganzoo.models.dragan import DRAGAN
from ganzoo.models.ebgan import EBGAN
from ganzoo.models.gan import GAN
from ganzoo.models.loss_sensitive import LossSensitiveGAN
from ganzoo.models.lsgan import LSGAN
from ganzoo.models.nsgan import NSGAN
from ganzoo.models.sngan import SNGAN
from ganzoo.models.wgan import WGAN
from ganzoo.models.wgan_ct import WGANCT
from ganzoo.models.wgan_gp import WGANGP

VARIANTS = {
    "gan": GAN,
    "nsgan": NSGAN,
    "lsgan": LSGAN,
    "wgan": WGAN,
    "wgan-gp": WGANGP,
    "wgan-ct": WGANCT,
    "dragan": DRAGAN,
    "sngan": SNGAN,
    "ebgan": EBGAN,
    "loss-sensitive": LossSensitiveGAN,
}


def get_class(variant):
    if variant not in VARIANTS:
        import difflib

        close = difflib.get_close_matches(str(variant), VARIANTS, n=3, cutoff=0.3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"Unknown GAN variant {variant!r}; known: {', '.join(VARIANTS)}.{hint}")
    return VARIANTS[variant]


def build(variant, data_shape, *, latent_dim=None, num_classes=None, **overrides):
    """An uncompiled model of `variant` with the default networks for `data_shape`.

    Args:
        variant: one of `ganzoo.variants()`.
        data_shape: (2,) for toy data; (28, 28, 1), (32, 32, 3), (64, 64, 3), ...
        latent_dim: default 64 for toy data, 128 for images.
        num_classes: for a conditional model (projection discriminator).
        **overrides: model options (e.g. `n_critic=3`, `gp_weight=5.0`,
            `ema_decay=0.999`) and network options (`normalization`,
            `dropout`, `generator_widths`, `discriminator_widths`: layer
            sizes, e.g. (256, 256, 256) for a toy MLP or (64, 32) for a
            28-pixel DCGAN generator).

    Example:
    >>> model = ganzoo.models.build("wgan-gp", (28, 28, 1))
    >>> model.compile()
    """
    return get_class(variant).from_data_shape(
        data_shape, latent_dim=latent_dim, num_classes=num_classes, **overrides
    )


__all__ = ["BaseGAN", "build", "get_class", "VARIANTS", *[c.__name__ for c in VARIANTS.values()]]
