"""Re-records tests/data/preset_samples.npz for presets whose weights were retrained.

    python benchmarks/rerecord_preset_samples.py lsgan-mnist28 [more names]

Each named preset's ``generate(2, seed=0)`` replaces its entry; every other entry is kept as recorded,
so the test still pins the presets that did not change. A name that is not a shipped preset is refused
and nothing is written.
"""
import os
import sys

import numpy as np

import ganzoo
from ganzoo import presets

PATH = os.path.join(os.path.dirname(__file__), os.pardir, "tests", "data", "preset_samples.npz")


def main(names):
    shipped = set(presets.list_presets(available_only=True))
    unknown = sorted(set(names) - shipped)
    if not names or unknown:
        sys.exit(f"not shipped presets: {unknown or 'none named'}")
    recorded = dict(np.load(PATH))
    for name in names:
        recorded[name] = np.asarray(ganzoo.load(name).generate(2, seed=0), np.float32)
    np.savez(PATH, **recorded)
    print("re-recorded", ", ".join(names))


if __name__ == "__main__":
    main(sys.argv[1:])
