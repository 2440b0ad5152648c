"""Mode metrics from a classifier: class coverage and KL to uniform; Stacked-MNIST's 1000 modes.

Stacked-MNIST protocol (PacGAN, Lin et al. 2018; VEEGAN): 26,000 samples, each
channel classified by an MNIST classifier; the 3-digit number is the mode.
Report the number of modes hit (out of 1000) and KL(mode histogram || uniform).
"""

import numpy as np

STACKED_MNIST_SAMPLES = 26_000


def histogram_kl_to_uniform(labels, num_classes):
    """KL(p || uniform) of the label histogram p, in nats (0 when uniform)."""
    counts = np.bincount(np.asarray(labels, np.int64).ravel(), minlength=num_classes).astype(np.float64)
    if counts.sum() == 0:
        raise ValueError("No labels to count.")
    p = counts / counts.sum()
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] * num_classes)))


def class_coverage(predicted, num_classes, *, min_count=1):
    """(number of classes predicted at least `min_count` times, KL of the histogram to uniform)."""
    counts = np.bincount(np.asarray(predicted, np.int64).ravel(), minlength=num_classes)
    return int((counts >= min_count).sum()), histogram_kl_to_uniform(predicted, num_classes)


def stacked_mnist_modes(samples, classify_digits):
    """Modes covered (of 1000) and KL to uniform for Stacked-MNIST samples (N, 28, 28, 3).

    `classify_digits(images (M, 28, 28, 1) in [-1, 1]) -> digit ids (M,)`.
    """
    samples = np.asarray(samples)
    if samples.ndim != 4 or samples.shape[-1] != 3:
        raise ValueError(f"Stacked-MNIST samples must be (N, H, W, 3), got {samples.shape}.")
    digits = [np.asarray(classify_digits(samples[..., c:c + 1])).astype(np.int64) for c in range(3)]
    modes = 100 * digits[0] + 10 * digits[1] + digits[2]
    covered, kl = class_coverage(modes, 1000)
    return {"modes": covered, "kl": kl, "num_samples": len(samples)}
