"""Metrics on feature vectors: FID, KID, improved precision/recall, density/coverage.

All take (N, D) arrays of features of real and generated images from one
feature network; which network, which resize and how many samples is the
protocol, and it is recorded next to every number (`FeatureStats.protocol`).
"""

import json
import warnings

import numpy as np
import scipy.linalg


def frechet_distance(mu1, sigma1, mu2, sigma2, *, eps=1e-6):
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)) (Heusel et al. 2017).

    `scipy.linalg.sqrtm` of the product; when it is singular (too few samples
    for D dimensions) eps*I is added to both covariances, and a small imaginary
    part from round-off is dropped (a large one is an error).
    """
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    sigma1, sigma2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape:
        raise ValueError(f"Statistics of different sizes: {mu1.shape} vs {mu2.shape}.")
    diff = mu1 - mu2
    with warnings.catch_warnings():
        # singular covariances (dead ReLU features, few samples) are expected; the result is checked below
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        covmean, _ = scipy.linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError(f"sqrtm has a large imaginary component {np.max(np.abs(covmean.imag)):.3g}.")
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def statistics(features):
    features = np.asarray(features, np.float64)
    return features.mean(0), np.cov(features, rowvar=False)


def fid(real_features, fake_features):
    """FID between two feature sets (N, D)."""
    return frechet_distance(*statistics(real_features), *statistics(fake_features))


def kid(real_features, fake_features, *, subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance (Binkowski et al. 2018): (mean, std) of the unbiased MMD^2.

    Cubic polynomial kernel k(x, y) = (x.y / D + 1)^3, averaged over `subsets`
    random subsets of min(subset_size, N) examples from each set.
    """
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    m = min(subset_size, len(real), len(fake))
    if m < 2:
        raise ValueError("KID needs at least 2 examples in each set.")
    rng = np.random.default_rng(seed)
    dim = real.shape[1]
    values = []
    for _ in range(subsets):
        x = real[rng.choice(len(real), m, replace=False)]
        y = fake[rng.choice(len(fake), m, replace=False)]
        kxx = (x @ x.T / dim + 1) ** 3
        kyy = (y @ y.T / dim + 1) ** 3
        kxy = (x @ y.T / dim + 1) ** 3
        off_diagonal = (kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1))
        values.append(off_diagonal - 2 * kxy.mean())
    return float(np.mean(values)), float(np.std(values))


def _pairwise(a, b):
    squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None] - 2 * a @ b.T
    return np.sqrt(np.maximum(squared, 0))


def _kth_neighbour_radii(features, k):
    """Distance from each point to its k-th nearest neighbour in the same set (itself excluded)."""
    distances = _pairwise(features, features)
    return np.sort(distances, axis=1)[:, k]  # column 0 is the point itself


def precision_recall(real_features, fake_features, *, k=3):
    """Improved precision and recall (Kynkaanniemi et al. 2019), k-NN balls, k = 3.

    precision: fraction of fakes inside some real k-NN ball; recall: fraction of
    reals inside some fake k-NN ball.
    """
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    real_radii = _kth_neighbour_radii(real, k)
    fake_radii = _kth_neighbour_radii(fake, k)
    cross = _pairwise(real, fake)  # (R, F)
    precision = float(np.mean((cross <= real_radii[:, None]).any(0)))
    recall = float(np.mean((cross <= fake_radii[None, :]).any(1)))
    return precision, recall


def density_coverage(real_features, fake_features, *, k=5):
    """Density and coverage (Naeem et al. 2020), k = 5 nearest neighbours among the reals."""
    real = np.asarray(real_features, np.float64)
    fake = np.asarray(fake_features, np.float64)
    radii = _kth_neighbour_radii(real, k)
    inside = _pairwise(real, fake) <= radii[:, None]  # (R, F)
    density = float(inside.sum() / (k * len(fake)))
    coverage = float(inside.any(1).mean())
    return density, coverage


class FeatureStats:
    """Mean, covariance and count of a reference set's features, with the protocol that made them.

    Saved as `.npz` without pickles: arrays `mu`, `sigma`, `count` and the
    protocol as a JSON string.
    """

    def __init__(self, mu, sigma, count, protocol):
        self.mu, self.sigma, self.count, self.protocol = np.asarray(mu), np.asarray(sigma), int(count), dict(protocol)

    @classmethod
    def from_features(cls, features, protocol):
        mu, sigma = statistics(features)
        return cls(mu, sigma, len(features), protocol)

    def save(self, path):
        np.savez(path, mu=self.mu, sigma=self.sigma, count=self.count, protocol=json.dumps(self.protocol))

    @classmethod
    def load(cls, path):
        with np.load(path, allow_pickle=False) as archive:
            missing = {"mu", "sigma", "count", "protocol"} - set(archive.keys())
            if missing:
                raise ValueError(f"{path!r} is not a ganzoo feature-statistics file: missing {sorted(missing)}.")
            return cls(archive["mu"], archive["sigma"], archive["count"], json.loads(str(archive["protocol"])))

    def fid(self, features):
        return frechet_distance(self.mu, self.sigma, *statistics(features))
