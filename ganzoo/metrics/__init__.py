"""Evaluation metrics: toy mode metrics (VEEGAN / PacGAN), feature metrics (FID, KID,
precision/recall, density/coverage) on the reference Inception graph, and classifier mode metrics (Stacked-MNIST)."""

from ganzoo.metrics.features import (
    FeatureStats, density_coverage, fid, frechet_distance, kid, precision_recall, statistics,
)
from ganzoo.metrics.inception import build_fid_inception, convert_from_torchscript, fid_inception, inception_features
from ganzoo.metrics.modes import class_coverage, histogram_kl_to_uniform, stacked_mnist_modes
from ganzoo.metrics.toy import toy_metrics

__all__ = [
    "FeatureStats", "build_fid_inception", "class_coverage", "convert_from_torchscript", "fid_inception",
    "inception_features", "density_coverage", "fid", "frechet_distance", "histogram_kl_to_uniform",
    "kid", "precision_recall", "stacked_mnist_modes", "statistics", "toy_metrics",
]
