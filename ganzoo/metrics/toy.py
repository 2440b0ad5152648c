"""Mode metrics for the 2-d mixtures ring8 and grid25 (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al. 2018).

Protocol: 2,500 generated samples. A sample is *high quality* when it lies
within 3 sigma of its nearest mode, sigma the mixture's own (`ganzoo.data.toy.TOY_STDDEV`:
0.01 on ring8, 0.05 on grid25, PacGAN's); a mode is *covered* when at least 20
high-quality samples are assigned to it (`modes`, VEEGAN's and PacGAN's tables).
`modes_any` counts modes with at least one high-quality sample, the count
PacGAN's logging code computes beside it. `reverse_kl` is
KL(model mode histogram || uniform) over the high-quality samples (PacGAN);
`w1` is the exact earth mover's distance (POT `ot.emd2`, Euclidean cost) between
the samples and as many fresh true samples.
"""

import numpy as np

from ganzoo.data.toy import toy, toy_modes, toy_stddev

PROTOCOL = (
    "PacGAN data (ring8: radius 1, sigma 0.01; grid25: spacing 2, sigma 0.05); 2,500 samples; high quality = "
    "within 3 sigma of the nearest mode; a mode is covered when >= 20 high-quality samples sit on it "
    "(VEEGAN/PacGAN); reverse KL of the mode histogram to uniform; W1 = exact EMD (POT ot.emd2) to 2,500 "
    "true samples"
)


def toy_metrics(samples, name, *, min_count=20, seed=1234):
    """Returns {'modes', 'modes_any', 'num_modes', 'high_quality', 'reverse_kl', 'w1', 'protocol'} for `samples` (N, 2)."""
    import ot

    samples = np.asarray(samples, dtype="float64")
    if samples.ndim != 2 or samples.shape[1] != 2:
        raise ValueError(f"toy samples must have shape (N, 2), got {samples.shape}.")
    if not np.all(np.isfinite(samples)):
        raise ValueError("toy samples contain NaN or Inf.")
    centres = toy_modes(name).astype("float64")
    distance = np.linalg.norm(samples[:, None, :] - centres[None], axis=-1)
    nearest = distance.argmin(1)
    good = distance.min(1) <= 3 * toy_stddev(name)
    counts = np.bincount(nearest[good], minlength=len(centres))
    covered = int((counts >= min_count).sum())
    if good.any():
        p = counts / counts.sum()
        nz = p > 0
        reverse_kl = float(np.sum(p[nz] * np.log(p[nz] * len(centres))))
    else:
        reverse_kl = None  # no high-quality sample: undefined
    reference = toy(name, len(samples), seed=seed).astype("float64")
    cost = ot.dist(samples, reference, metric="euclidean")
    uniform = np.full(len(samples), 1.0 / len(samples))
    w1 = float(ot.emd2(uniform, uniform, cost, numItermax=10_000_000))
    return {
        "modes": covered,
        "modes_any": int((counts >= 1).sum()),
        "num_modes": len(centres),
        "high_quality": float(good.mean()),
        "reverse_kl": reverse_kl,
        "w1": w1,
        "protocol": PROTOCOL,
    }
