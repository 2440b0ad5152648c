"""The loopback Hub (tests/hub_server.py) against the installed huggingface_hub client.

huggingface_hub reads HF_ENDPOINT and HF_HOME when it is imported, so every client call runs in a
fresh interpreter (`run_client`) with those set; the server runs in the test process.
"""

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from hub_server import HubServer, run_client

REPO = "ganzoo-test/toy-gan"
UPLOADED = {
    "README.md": b"---\nlibrary_name: ganzoo\ntags:\n- gan\n---\n# Toy GAN\n",
    "config.json": json.dumps({"model": "dcgan", "latent_dim": 8}).encode(),
    # NULs and bytes that are not UTF-8: they must survive base64 in the commit and HTTP back.
    "weights/generator.bin": bytes(range(256)) * 4 + b"\x00\xff" * 100,
    "weights/empty.bin": b"",
}


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def assert_unreachable(url: str):
    parts = urlsplit(url)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()


PUBLISH = """
import json, sys
from huggingface_hub import HfApi, snapshot_download

repo_id, folder = sys.argv[1:]
api = HfApi(token="x")
api.create_repo(repo_id, exist_ok=True)
api.create_repo(repo_id, exist_ok=True)  # answered 409, which exist_ok accepts
commit = api.upload_folder(folder_path=folder, repo_id=repo_id, commit_message="Upload toy GAN")
unchanged = api.upload_folder(folder_path=folder, repo_id=repo_id, commit_message="Nothing new")
info = api.model_info(repo_id)
print(json.dumps({
    "commit": commit.oid,
    "unchanged": unchanged.oid,
    "sha": info.sha,
    "siblings": sorted(s.rfilename for s in info.siblings),
    "card_data": info.card_data.to_dict(),
    "listed": sorted(api.list_repo_files(repo_id)),
    "top_level": sorted(entry.path for entry in api.list_repo_tree(repo_id)),
    "in_weights": sorted(entry.path for entry in api.list_repo_tree(repo_id, "weights")),
    "snapshot": snapshot_download(repo_id),
}))
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Create, upload and snapshot-download REPO once, then stop the server."""
    root = tmp_path_factory.mktemp("hub")
    folder, hf_home = root / "upload", root / "hf_home"
    for path, data in UPLOADED.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    with HubServer() as hub:
        out = run_client(PUBLISH, {"HF_ENDPOINT": hub.url, "HF_HOME": str(hf_home)}, REPO, str(folder))
        url = hub.url
    return SimpleNamespace(
        out=out,
        url=url,
        hf_home=hf_home,
        root=root,
        requests=hub.requests,
        server_files=hub.files(REPO),
        history=hub.history(REPO),
    )


@pytest.mark.subprocess
def test_upload_then_snapshot_download_round_trips_every_byte(published):
    out = published.out
    downloaded = read_tree(Path(out["snapshot"]))
    # Like the real Hub, a new repo starts with a .gitattributes commit.
    assert sorted(downloaded) == sorted([*UPLOADED, ".gitattributes"])
    assert {path: downloaded[path] for path in UPLOADED} == UPLOADED
    assert published.server_files == downloaded
    assert out["siblings"] == out["listed"] == sorted(downloaded)
    assert out["top_level"] == [".gitattributes", "README.md", "config.json", "weights"]
    assert out["in_weights"] == ["weights/empty.bin", "weights/generator.bin"]
    assert out["card_data"] == {"library_name": "ganzoo", "tags": ["gan"]}
    # The snapshot is the uploaded commit; the second, identical upload made no commit at all.
    assert out["commit"] == out["unchanged"] == out["sha"] == Path(out["snapshot"]).name
    assert [message for _, message in published.history] == ["Upload toy GAN", "initial commit"]
    assert published.history[0][0] == out["commit"]
    # Every file travelled inline in the commit: no LFS or Xet traffic.
    assert not [r for r in published.requests if "xet" in r.lower() or "lfs" in r.lower()]


@pytest.mark.subprocess
def test_offline_reload_from_cache_with_server_stopped(published):
    assert_unreachable(published.url)
    env = {"HF_ENDPOINT": published.url, "HF_HOME": str(published.hf_home), "HF_HUB_OFFLINE": "1"}
    out = run_client(
        """
        import json, sys
        from huggingface_hub import snapshot_download
        print(json.dumps({"snapshot": snapshot_download(sys.argv[1])}))
        """,
        env,
        REPO,
    )
    assert out["snapshot"] == published.out["snapshot"]
    assert read_tree(Path(out["snapshot"])) == published.server_files


@pytest.mark.subprocess
def test_stopped_server_fails_fast_without_a_cache_and_falls_back_to_one(published):
    assert_unreachable(published.url)
    env = {"HF_ENDPOINT": published.url, "HF_HOME": str(published.hf_home)}
    out = run_client(
        """
        import json, sys, time
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError

        repo_id, empty_cache = sys.argv[1:]
        start = time.monotonic()
        try:
            snapshot_download(repo_id, cache_dir=empty_cache)
            error = None
        except LocalEntryNotFoundError as exc:
            error = type(exc).__name__
        seconds = time.monotonic() - start
        print(json.dumps({"error": error, "seconds": seconds, "cached": snapshot_download(repo_id)}))
        """,
        env,
        REPO,
        str(published.root / "empty_cache"),
    )
    assert out["error"] == "LocalEntryNotFoundError"
    assert out["seconds"] < 5  # connection refused, no retries: snapshot_download gives up at once
    assert out["cached"] == published.out["snapshot"]


@pytest.mark.subprocess
def test_hub_errors_reach_the_client_as_its_exception_types(tmp_path):
    bad_readme = tmp_path / "bad_readme"
    bad_readme.mkdir()
    (bad_readme / "README.md").write_text("---\ntags: [unclosed\n---\n")
    with HubServer() as hub:
        hub.commit_files("org/seeded", {"a.txt": b"hello"})
        out = run_client(
            """
            import json, sys
            from pathlib import Path
            from huggingface_hub import HfApi, hf_hub_download, snapshot_download

            api = HfApi(token="x")

            def raised(call):
                try:
                    call()
                except Exception as exc:
                    return f"{type(exc).__module__}.{type(exc).__name__}"

            print(json.dumps({
                "snapshot_unknown_repo": raised(lambda: snapshot_download("nobody/missing")),
                "file_unknown_repo": raised(lambda: hf_hub_download("nobody/missing", "a.txt")),
                "missing_file": raised(lambda: hf_hub_download("org/seeded", "b.txt")),
                "unknown_revision": raised(lambda: hf_hub_download("org/seeded", "a.txt", revision="nope")),
                "bad_readme": raised(lambda: api.upload_folder(folder_path=sys.argv[1], repo_id="org/seeded")),
                "seeded": Path(hf_hub_download("org/seeded", "a.txt")).read_text(),
            }))
            """,
            {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf_home")},
            str(bad_readme),
        )
        assert sorted(hub.files("org/seeded")) == [".gitattributes", "a.txt"]
    assert out == {
        "snapshot_unknown_repo": "huggingface_hub.errors.RepositoryNotFoundError",
        "file_unknown_repo": "huggingface_hub.errors.RepositoryNotFoundError",
        "missing_file": "huggingface_hub.errors.RemoteEntryNotFoundError",
        "unknown_revision": "huggingface_hub.errors.RevisionNotFoundError",
        "bad_readme": "builtins.ValueError",
        "seeded": "hello",
    }


@pytest.mark.subprocess
def test_delete_patterns_replace_files_and_stale_parent_commit_is_refused(tmp_path):
    (tmp_path / "upload").mkdir()
    (tmp_path / "upload" / "new.bin").write_bytes(b"\x01\x02")
    with HubServer() as hub:
        seeded = hub.commit_files("org/ckpt", {"old/a.bin": b"a", "old/b.bin": b"b", "keep.txt": b"k"})
        out = run_client(
            """
            import json, sys
            from huggingface_hub import CommitOperationAdd, HfApi

            folder, seeded = sys.argv[1:]
            api = HfApi(token="x")
            api.upload_folder(
                folder_path=folder, repo_id="org/ckpt", delete_patterns=["old/*"], commit_message="Replace old"
            )
            try:
                api.create_commit(
                    "org/ckpt", [CommitOperationAdd("late.txt", b"late")], commit_message="Late", parent_commit=seeded
                )
                status = None
            except Exception as exc:
                status = exc.response.status_code
            print(json.dumps({"stale_parent_status": status}))
            """,
            {"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf_home")},
            str(tmp_path / "upload"),
            seeded,
        )
        files = hub.files("org/ckpt")
        assert sorted(files) == [".gitattributes", "keep.txt", "new.bin"]
        assert files["new.bin"] == b"\x01\x02"
        assert [message for _, message in hub.history("org/ckpt")] == ["Replace old", "Seed files", "initial commit"]
    assert out == {"stale_parent_status": 412}
