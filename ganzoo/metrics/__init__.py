"""Evaluation metrics. Toy-data mode metrics for now (VEEGAN / PacGAN protocol)."""

from ganzoo.metrics.toy import toy_metrics

__all__ = ["toy_metrics"]
