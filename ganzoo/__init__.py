"""ganzoo: a Keras 3 model zoo of the GAN variants that made adversarial training work."""

__version__ = "0.1.0"

from ganzoo import constraints, data, losses, models, networks, penalties  # noqa: E402
from ganzoo.saving import LoadError, load_model  # noqa: E402


def variants():
    """The variant ids, e.g. `["gan", "nsgan", ..., "loss-sensitive"]`."""
    return list(models.VARIANTS)
