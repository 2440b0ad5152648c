"""`get_config(path)`: a run's recorded config.json as a config file, so that
`ganzoo-train --config=<workdir>/config.json` reruns exactly what ran (see `ganzoo.train`)."""

from ganzoo import configs


def get_config(path):
    return configs.from_json(path)
