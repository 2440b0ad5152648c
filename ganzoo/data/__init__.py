"""Data sources for ganzoo: toy distributions (more sources come with the training CLI)."""

from ganzoo.data.toy import TOY_DISTRIBUTIONS, toy, toy_dataset, toy_modes

__all__ = ["toy", "toy_dataset", "toy_modes", "TOY_DISTRIBUTIONS"]
