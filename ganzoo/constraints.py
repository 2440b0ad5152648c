"""Lipschitz tools for critics."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class ClipConstraint(keras.constraints.Constraint):
    """Clips every weight to [-c, c] (WGAN, Arjovsky et al. 2017, Algorithm 1).

    A crude way to keep the critic K-Lipschitz; the paper uses c = 0.01.

    Args:
        c: positive clip value.

    Example:
    >>> layer = keras.layers.Dense(4, kernel_constraint=ClipConstraint(0.01))
    """

    def __init__(self, c=0.01):
        if not c > 0:
            raise ValueError(f"ClipConstraint needs c > 0, got {c!r}.")
        self.c = float(c)

    def __call__(self, w):
        return ops.clip(w, -self.c, self.c)

    def get_config(self):
        return {"c": self.c}

