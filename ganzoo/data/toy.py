"""2-d toy distributions: the mode-collapse benchmarks of PacGAN (Lin et al. 2018, Table 1).

As PacGAN's `synthetic_data_experiments` defines them:
- ring8: 8 Gaussians at angles 2 pi k / 8, k = 0..7, on a circle of radius 1, sigma = 0.01;
- grid25: 25 Gaussians at {-4, -2, 0, 2, 4}^2, sigma = 0.05;
- training on a fixed set of 100,000 points (`TRAINING_POINTS`; `ganzoo.data.make_dataset`).
The unrolled-GAN/VEEGAN helper places its ring means with `linspace(0, 2 pi, 8)`,
endpoint included, so two of its 8 means coincide (7 distinct modes); ours are 8.
swissroll: the 2-d swiss roll (scikit-learn's recipe), scaled to about [-2, 2].
"""

import numpy as np

from ganzoo.data.pipeline import batched

# The mixtures' standard deviation per component (PacGAN): the high-quality radius of the mode
# metrics is 3 of it.
TOY_STDDEV = {"ring8": 0.01, "grid25": 0.05}
TRAINING_POINTS = 100_000  # PacGAN trains on one fixed set of 100k points


def toy_stddev(name):
    """The per-mode standard deviation of mixture `name` (`TOY_STDDEV`)."""
    if name not in TOY_STDDEV:
        raise ValueError(f"{name!r} has no discrete modes; expected one of {sorted(TOY_STDDEV)}.")
    return TOY_STDDEV[name]


def toy_modes(name):
    """Mode centres, shape (K, 2), for `ring8` and `grid25`."""
    if name == "ring8":
        angles = 2 * np.pi * np.arange(8) / 8  # endpoint excluded: 8 distinct means
        return np.stack([np.cos(angles), np.sin(angles)], 1).astype("float32")
    if name == "grid25":
        g = np.array([-4.0, -2.0, 0.0, 2.0, 4.0])
        return np.stack(np.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2).astype("float32")
    raise ValueError(f"{name!r} has no discrete modes; expected 'ring8' or 'grid25'.")


def toy(name, n, seed=0):
    """`n` samples of a toy distribution as a float32 array of shape (n, 2).

    Mixtures pick their component uniformly per sample.
    """
    if name not in TOY_DISTRIBUTIONS:
        raise ValueError(f"Unknown toy distribution {name!r}; expected one of {sorted(TOY_DISTRIBUTIONS)}.")
    n = int(n)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}.")
    rng = np.random.default_rng(seed)
    return TOY_DISTRIBUTIONS[name](n, rng).astype("float32")


def _mixture(name):
    def sample(n, rng):
        modes = toy_modes(name)
        return modes[rng.integers(len(modes), size=n)] + TOY_STDDEV[name] * rng.standard_normal((n, 2))

    return sample


def _swissroll(n, rng):
    t = 1.5 * np.pi * (1 + 2 * rng.random(n))
    points = np.stack([t * np.cos(t), t * np.sin(t)], 1) / 7.5
    return points + 0.02 * rng.standard_normal((n, 2))


TOY_DISTRIBUTIONS = {"ring8": _mixture("ring8"), "grid25": _mixture("grid25"), "swissroll": _swissroll}


def toy_dataset(name, batch_size, *, n=TRAINING_POINTS, seed=0):
    """A shuffled, repeated `tf.data.Dataset` of toy batches of shape (batch_size, 2)."""
    return batched(toy(name, n, seed), batch_size, seed=seed)
