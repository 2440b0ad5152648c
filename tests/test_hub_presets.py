"""The Hub cycle of a preset without network: push to a loopback stand-in, load via hf://, then offline."""

import json

import numpy as np
import pytest

import ganzoo
from hub_server import HubServer, run_client

REPO = "ganzoo-test/wgan-gp-mnist28"

PUSH_AND_LOAD = """
import json, sys
from ganzoo.hub import push_preset
import ganzoo

url = push_preset("wgan-gp-mnist28", sys.argv[1])
model = ganzoo.load("hf://" + sys.argv[1])
print(json.dumps({"url": url, "samples": model.generate(4, seed=0).tolist(), "preset": model.preset["preset"]}))
"""

LOAD = """
import json, sys
import ganzoo

try:
    model = ganzoo.load("hf://" + sys.argv[1])
    print(json.dumps({"samples": model.generate(4, seed=0).tolist()}))
except ganzoo.LoadError as error:
    print(json.dumps({"error": str(error)}))
"""


@pytest.mark.subprocess
def test_push_then_load_from_the_hub_then_offline(tmp_path):
    local = ganzoo.load("wgan-gp-mnist28").generate(4, seed=0)
    hf_home = tmp_path / "hf_home"
    with HubServer() as hub:
        env = {"HF_ENDPOINT": hub.url, "HF_HOME": str(hf_home)}
        out = run_client(PUSH_AND_LOAD, env, REPO, timeout=300)
        files = hub.files(REPO)
        url = hub.url
        missing = run_client(LOAD, env, "ganzoo-test/no-such-repo", timeout=300)
    assert REPO in out["url"] and out["preset"] == "wgan-gp-mnist28"
    assert {"model.keras", "README.md", "metadata.json", "config.json", "samples.png"} <= set(files)
    np.testing.assert_allclose(out["samples"], local, atol=1e-6)
    assert "Could not fetch Hub repo 'ganzoo-test/no-such-repo'" in missing["error"]
    offline = run_client(LOAD, {"HF_ENDPOINT": url, "HF_HOME": str(hf_home), "HF_HUB_OFFLINE": "1"}, REPO,
                         timeout=300)
    np.testing.assert_allclose(offline["samples"], local, atol=1e-6)


def test_push_refuses_a_model_that_does_not_reproduce_its_checkpoint(tmp_path):
    import shutil

    from ganzoo import presets
    from ganzoo.hub import push_preset

    folder = tmp_path / "wgan-gp-mnist28"
    shutil.copytree(presets.preset_dir("wgan-gp-mnist28"), folder)
    metadata = json.loads((folder / "metadata.json").read_text())
    metadata["check"]["checkpoint_samples"] = (np.asarray(metadata["check"]["checkpoint_samples"]) + 0.1).tolist()
    (folder / "metadata.json").write_text(json.dumps(metadata))
    with HubServer() as hub:
        with pytest.raises(presets.PresetError, match="differ from its training checkpoint"):
            push_preset(str(folder), REPO, endpoint=hub.url, token="x")
        assert not [r for r in hub.requests if r.startswith("POST")]  # nothing was created or uploaded
