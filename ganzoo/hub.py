"""Publish a preset folder to the Hugging Face Hub (loading is `ganzoo.load("hf://org/repo")`).

Uses `huggingface_hub` (create_repo + upload_folder): the folder is uploaded
as it is in `artifacts/<preset>/`, with its model card as the repo's README.md.
Keras 3 models are never pushed with `push_to_hub_keras`, which refuses them.
"""

import os

from ganzoo import packaging, presets


def push_preset(preset, repo_id, *, token=None, private=False, endpoint=None, commit_message=None):
    """Checks, then uploads a preset (registered name or folder) to `repo_id`; returns the commit url.

    Before anything is sent: the weight files' sha256 are checked, the model is
    loaded (safe_mode) and its samples for the recorded seed must match the
    training checkpoint's within the recorded float16 tolerance.
    """
    folder = preset if os.path.isdir(preset) else presets.preset_dir(preset)
    model = presets.load(preset)
    difference = packaging.check_against_checkpoint(folder, model)
    from huggingface_hub import HfApi

    api = HfApi(endpoint=endpoint, token=token)
    api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
    name = (presets.read_metadata(folder) or {}).get("preset", os.path.basename(os.path.normpath(folder)))
    commit = api.upload_folder(
        folder_path=folder, repo_id=repo_id, repo_type="model",
        commit_message=commit_message or f"ganzoo preset {name} (samples within {difference:.2g} of its checkpoint)",
    )
    return commit.commit_url
