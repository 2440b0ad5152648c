"""ganzoo: a Keras 3 model zoo of the GAN variants that made adversarial training work."""

__version__ = "0.1.0"

from ganzoo import constraints, data, layers, losses, models, networks, penalties  # noqa: E402
from ganzoo import presets  # noqa: E402
from ganzoo.saving import LoadError, load_model  # noqa: E402


def variants():
    """The variant ids, e.g. `["gan", "nsgan", ..., "loss-sensitive"]`."""
    return list(models.VARIANTS)


def load(spec):
    """A pretrained GAN from a preset name, "hf://org/repo" or a directory; see `ganzoo.presets.load`."""
    return presets.load(spec)


def list_presets(*, available_only=False):
    """Names of the registered presets; see `ganzoo.presets`."""
    return presets.list_presets(available_only=available_only)
