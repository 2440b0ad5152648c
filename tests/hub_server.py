"""A loopback stand-in for the Hugging Face Hub, for tests (no internet needed).

`HubServer` serves, from memory, the Hub HTTP endpoints that `huggingface_hub` (checked against
2.4.0) calls to create a repo, upload a folder, inspect it and download it back:

    POST /api/repos/create                                  create_repo (409 + "url" when it exists)
    POST /api/validate-yaml                                 README.md front-matter check made before
                                                            any upload that contains a README.md
    GET  /api/agent-harnesses                               empty registry (user-agent probe, only
                                                            made when telemetry is enabled)
    GET  /api/{type}s/{ns}/{name}[/revision/{rev}]          model_info / repo_info: sha, siblings,
                                                            cardData (README front matter)
    GET  /api/{type}s/{ns}/{name}/tree/{rev}[/{path}]       list_repo_tree / list_repo_files
                                                            (`recursive` honoured, a single page)
    POST /api/{type}s/{ns}/{name}/preupload/{rev}           answers "regular" for every file, so
                                                            contents travel inline in the commit
    POST /api/{type}s/{ns}/{name}/commit/{rev}              NDJSON commit: header, file (base64),
                                                            deletedFile, deletedFolder
    HEAD|GET /[{type}s/]{ns}/{name}/resolve/{rev}/{path}    hf_hub_download / snapshot_download

`{type}` is model, dataset or space (model URLs carry no prefix on /resolve). `{rev}` is a branch
name or a full commit id. Errors are JSON bodies with the `X-Error-Code` header the client maps to
its exceptions: `RepoNotFound` -> RepositoryNotFoundError, `RevisionNotFound` ->
RevisionNotFoundError, `EntryNotFound` -> RemoteEntryNotFoundError. Anything else answers a plain
404, so a client feature this stand-in lacks fails loudly instead of half-working.

Deliberately left out: authentication (any token, or none, is accepted), LFS and Xet storage
(resolve responses carry no `X-Xet-Hash`, so downloads are plain HTTP; a commit line of kind
"lfsFile" is refused), pull requests, `.gitignore` rules, Range requests (the client only sends one
to resume a broken transfer, and falls back to a full body), pagination, and repo ids without a
namespace. Like the real Hub, a new repo starts with an initial commit holding `.gitattributes`.

Using it: `huggingface_hub` reads `HF_ENDPOINT` when it is imported, so code that relies on the
default endpoint (`snapshot_download(repo_id)`, `hf_hub_download`, ...) must run in a subprocess
started with `HF_ENDPOINT=server.url`; `HfApi(endpoint=server.url)` and the `endpoint=` argument of
the download functions work in-process. Set `HF_HUB_DISABLE_TELEMETRY=1` as well: otherwise the
client's first request also probes `{HF_ENDPOINT}/api/agent-harnesses`, which is the real Hub when
only `endpoint=` is passed.

Against a stopped server (keep its `url` from before `stop()`), `snapshot_download` fails at once
with LocalEntryNotFoundError, or serves the cached snapshot if there is one; `hf_hub_download` of
an uncached file retries with backoff for about 23 s (1+2+4+8+8) before raising the same error,
whatever HF_HUB_ETAG_TIMEOUT says: those timeouts only bound a server that accepts and stays silent.

    with HubServer() as hub:
        hub.commit_files("org/toy", {"config.json": b"{}"})   # seed a repo without the client
        ...                                                   # run the client against hub.url
        assert hub.files("org/toy")["config.json"] == b"{}"   # inspect what was pushed
"""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

__all__ = ["HubServer"]

_TYPE_PREFIXES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_RESOLVE_PREFIXES = {"datasets": "dataset", "spaces": "space"}  # model files have none
_URL_PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/"}
# Same pattern as huggingface_hub.repocard, so both sides agree on where the front matter ends.
_FRONT_MATTER = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")
_GITATTRIBUTES = b"".join(
    f"*.{ext} filter=lfs diff=lfs merge=lfs -text\n".encode()
    for ext in ("bin", "h5", "keras", "npz", "safetensors")
)


def _git_oid(data: bytes) -> str:
    # The client compares the preupload "oid" with this hash to skip unchanged files.
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _front_matter(readme: str):
    """The README's YAML metadata (None without a front-matter block); raises yaml.YAMLError."""
    match = _FRONT_MATTER.search(readme)
    return yaml.safe_load(match.group(2)) if match else None


class _HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.headers = status, code, headers or {}


@dataclass
class _Commit:
    oid: str
    parent: str | None
    message: str
    files: dict  # path -> bytes: every commit is a full snapshot, which keeps lookups trivial
    date: str = field(default_factory=_now)


@dataclass
class _Repo:
    repo_type: str
    repo_id: str
    created_at: str = field(default_factory=_now)
    branches: dict = field(default_factory=dict)  # name -> commit oid
    commits: dict = field(default_factory=dict)  # oid -> _Commit

    def resolve(self, revision: str) -> _Commit:
        oid = self.branches.get(revision, revision)
        if oid not in self.commits:
            raise _HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")
        return self.commits[oid]


class _Store:
    """Repos and the request log, shared by the server threads; hold `lock` around every use."""

    def __init__(self):
        self.lock = threading.Lock()
        self.repos: dict[tuple[str, str], _Repo] = {}
        self.requests: list[str] = []

    def get(self, repo_type: str, repo_id: str) -> _Repo:
        repo = self.repos.get((repo_type, repo_id))
        if repo is None:
            raise _HubError(404, f"Repository not found: {repo_id}", "RepoNotFound")
        return repo

    def create(self, repo_type: str, repo_id: str) -> _Repo:
        repo = self.repos[(repo_type, repo_id)] = _Repo(repo_type, repo_id)
        self.commit(repo, "main", "initial commit", {".gitattributes": _GITATTRIBUTES}, deleted=())
        return repo

    def commit(self, repo: _Repo, branch: str, message: str, added: dict, deleted) -> str:
        """Commit on `branch`; `deleted` holds (path, is_folder) pairs. Returns the commit id."""
        parent_oid = repo.branches.get(branch)
        files = dict(repo.commits[parent_oid].files) if parent_oid else {}
        for path, is_folder in deleted:
            folder = path.rstrip("/") + "/"
            doomed = [p for p in files if p.startswith(folder)] if is_folder else [p for p in files if p == path]
            if not doomed:
                raise _HubError(404, f"A file with this name doesn't exist: {path}", "EntryNotFound")
            for p in doomed:
                del files[p]
        files.update(added)
        listing = sorted((path, _git_oid(data)) for path, data in files.items())
        seed = json.dumps([repo.repo_id, parent_oid, message, listing, time.time_ns()])
        oid = hashlib.sha1(seed.encode()).hexdigest()
        repo.commits[oid] = _Commit(oid, parent_oid, message, files)
        repo.branches[branch] = oid
        return oid


class HubServer:
    """An in-memory Hub on 127.0.0.1 (a free port), served from a background thread.

    `start()` / `stop()`, or use it as a context manager. `url` is the endpoint to hand to the
    client (`HF_ENDPOINT` or `endpoint=`). Repos survive `stop()`, so what the client pushed can
    still be inspected with `files()` and `history()` afterwards. `requests` logs "METHOD /path?query" for every
    request received, in arrival order.
    """

    def __init__(self):
        self._store = _Store()
        self._httpd = None
        self._thread = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("HubServer is not running: call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[str]:
        with self._store.lock:
            return list(self._store.requests)

    def start(self) -> "HubServer":
        if self._httpd is not None:
            raise RuntimeError("HubServer is already running")
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.store = self._store
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="hub-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port: clients then get "connection refused" at once."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> "HubServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "model") -> dict[str, bytes]:
        """Path -> content of every file of `repo_id` at `revision` (branch or commit id)."""
        with self._store.lock:
            return dict(self._store.get(repo_type, repo_id).resolve(revision).files)

    def history(self, repo_id: str, revision: str = "main", repo_type: str = "model") -> list[tuple[str, str]]:
        """(commit id, commit message) pairs from `revision` back to the repo's initial commit."""
        with self._store.lock:
            repo = self._store.get(repo_type, repo_id)
            commit, pairs = repo.resolve(revision), []
            while commit is not None:
                pairs.append((commit.oid, commit.message))
                commit = repo.commits.get(commit.parent)
            return pairs

    def commit_files(
        self, repo_id: str, files: dict[str, bytes], message: str = "Seed files", repo_type: str = "model"
    ) -> str:
        """Add or overwrite `files` (path -> bytes) on `main`, creating the repo if needed.

        Seeds a repo without going through the client. Returns the new commit id.
        """
        with self._store.lock:
            repo = self._store.repos.get((repo_type, repo_id)) or self._store.create(repo_type, repo_id)
            return self._store.commit(repo, "main", message, dict(files), deleted=())


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0 closes the connection after each response: no keep-alive connection outlives
    # stop(), so a stopped server really is unreachable, even for clients that pool connections.
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass  # HubServer.requests is the log; stderr lines would drown the test output

    def do_HEAD(self):
        self._dispatch(send_body=False)

    def do_GET(self):
        self._dispatch(send_body=True)

    def do_POST(self):
        self._dispatch(send_body=True)

    @property
    def _base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _repo_url(self, repo: _Repo) -> str:
        return f"{self._base_url}/{_URL_PREFIXES[repo.repo_type]}{repo.repo_id}"

    def _dispatch(self, send_body: bool):
        store = self.server.store
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        split = urlsplit(self.path)
        # Unquote segment by segment: the client sends revisions (and tree paths) with "/" encoded.
        segments = [unquote(s) for s in split.path.split("/")[1:]]
        with store.lock:
            store.requests.append(f"{self.command} {self.path}")
            try:
                status, body, headers = self._route(store, segments, parse_qs(split.query), raw)
            except _HubError as error:
                status, body, headers = error.status, {"error": str(error)}, dict(error.headers)
                if error.code:
                    # The client maps this header to its exception types; HEAD answers have no body.
                    headers["X-Error-Code"] = error.code
            except (ValueError, KeyError, TypeError) as error:
                # A dropped connection would look transient to the client, which retries for ~23 s.
                status, body, headers = 400, {"error": f"Malformed request: {error!r}"}, {}
        if not isinstance(body, bytes):
            body, headers = json.dumps(body).encode(), {"Content-Type": "application/json", **headers}
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _route(self, store: _Store, segments: list[str], query: dict, raw: bytes):
        method = self.command
        if method == "POST" and segments == ["api", "repos", "create"]:
            return self._create_repo(store, json.loads(raw))
        if method == "POST" and segments == ["api", "validate-yaml"]:
            return self._validate_yaml(json.loads(raw))
        if method == "GET" and segments == ["api", "agent-harnesses"]:
            return 200, {"standardEnvVars": [], "harnesses": {}}, {}
        if len(segments) >= 4 and segments[0] == "api" and segments[1] in _TYPE_PREFIXES:
            repo = store.get(_TYPE_PREFIXES[segments[1]], "/".join(segments[2:4]))
            action, rest = segments[4:5], segments[5:]
            if method == "GET" and not action:
                return self._repo_info(repo, "main")
            if method == "GET" and action == ["revision"] and len(rest) == 1:
                return self._repo_info(repo, rest[0])
            if method == "GET" and action == ["tree"] and rest:
                recursive = query.get("recursive", ["false"])[0].lower() in ("1", "true")
                return self._tree(repo, rest[0], "/".join(rest[1:]).strip("/"), recursive)
            if method == "POST" and action == ["preupload"] and len(rest) == 1:
                return self._preupload(repo, rest[0], json.loads(raw))
            if method == "POST" and action == ["commit"] and len(rest) == 1:
                return self._commit(store, repo, rest[0], raw)
        if method in ("GET", "HEAD") and segments:
            repo_type = _RESOLVE_PREFIXES.get(segments[0], "model")
            parts = segments if repo_type == "model" else segments[1:]
            if len(parts) >= 5 and parts[2] == "resolve":
                repo = store.get(repo_type, "/".join(parts[:2]))
                return self._resolve(repo, parts[3], "/".join(parts[4:]))
        raise _HubError(404, f"The stand-in Hub does not implement {method} {self.path}")

    def _create_repo(self, store: _Store, body: dict):
        repo_type = body.get("type") or "model"
        if repo_type not in _URL_PREFIXES:
            raise _HubError(400, f"Invalid repo type: {repo_type}")
        if not body.get("organization"):
            raise _HubError(400, "This stand-in Hub needs repo ids of the form 'namespace/name'")
        repo_id = f"{body['organization']}/{body['name']}"
        repo = store.repos.get((repo_type, repo_id))
        if repo is not None:
            # create_repo(exist_ok=True) reads "url" from this 409 body too.
            return 409, {"error": f"You already created this {repo_type} repo", "url": self._repo_url(repo)}, {}
        repo = store.create(repo_type, repo_id)
        return 200, {"url": self._repo_url(repo), "name": repo_id}, {}

    def _validate_yaml(self, body: dict):
        try:
            metadata = _front_matter(body.get("content", ""))
        except yaml.YAMLError as error:
            return 400, {"errors": [{"message": f"Invalid YAML in README.md front matter: {error}"}]}, {}
        if metadata is not None and not isinstance(metadata, dict):
            return 400, {"errors": [{"message": "README.md front matter must be a YAML mapping"}]}, {}
        return 200, {"errors": [], "warnings": []}, {}

    def _repo_info(self, repo: _Repo, revision: str):
        commit = repo.resolve(revision)
        info = {
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": commit.oid,
            "lastModified": commit.date,
            "createdAt": repo.created_at,
            "private": False,
            "disabled": False,
            "gated": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": [
                {"rfilename": path, "size": len(data), "blobId": _git_oid(data)}
                for path, data in sorted(commit.files.items())
            ],
        }
        try:
            card_data = _front_matter(commit.files.get("README.md", b"").decode("utf-8", "replace"))
        except yaml.YAMLError:
            card_data = None
        if isinstance(card_data, dict):
            info["cardData"] = card_data
        return 200, info, {}

    def _tree(self, repo: _Repo, revision: str, path: str, recursive: bool):
        commit = repo.resolve(revision)
        prefix = f"{path}/" if path else ""
        below = [p for p in sorted(commit.files) if p.startswith(prefix)]
        if path and not below:
            raise _HubError(404, f"{path} does not exist on {revision}", "EntryNotFound")
        entries = {}
        for file_path in below:
            parts = file_path[len(prefix):].split("/")
            n_folders = len(parts) - 1 if recursive else min(1, len(parts) - 1)
            for i in range(1, n_folders + 1):
                folder = prefix + "/".join(parts[:i])
                folder_oid = hashlib.sha1(f"{commit.oid}:{folder}".encode()).hexdigest()
                entries.setdefault(folder, {"type": "directory", "oid": folder_oid, "size": 0, "path": folder})
            if recursive or len(parts) == 1:
                data = commit.files[file_path]
                entries[file_path] = {"type": "file", "oid": _git_oid(data), "size": len(data), "path": file_path}
        return 200, list(entries.values()), {}

    def _preupload(self, repo: _Repo, revision: str, body: dict):
        commit = repo.resolve(revision)
        files = [
            {
                "path": item["path"],
                "uploadMode": "regular",
                "shouldIgnore": False,
                "oid": _git_oid(commit.files[item["path"]]) if item["path"] in commit.files else None,
            }
            for item in body.get("files", [])
        ]
        return 200, {"files": files, "commitOid": commit.oid}, {}

    def _commit(self, store: _Store, repo: _Repo, revision: str, raw: bytes):
        head = repo.resolve(revision)
        if revision not in repo.branches:
            raise _HubError(400, f"Commits can only be made on a branch, not on {revision}")
        lines = [json.loads(line) for line in raw.splitlines() if line.strip()]
        if not lines or lines[0].get("key") != "header":
            raise _HubError(400, "The commit payload must start with a header line")
        header = lines[0]["value"]
        parent = header.get("parentCommit")
        if parent is not None and not head.oid.startswith(parent):
            raise _HubError(412, f"A commit has happened since {parent}: the head is now {head.oid}")
        added, deleted = {}, []
        for line in lines[1:]:
            key, value = line.get("key"), line.get("value", {})
            if key == "file":
                if value.get("encoding") != "base64":
                    raise _HubError(400, f"Unsupported encoding for {value.get('path')}: {value.get('encoding')}")
                added[value["path"]] = base64.b64decode(value["content"], validate=True)
            elif key in ("deletedFile", "deletedFolder"):
                deleted.append((value["path"], key == "deletedFolder"))
            elif key == "lfsFile":
                raise _HubError(400, f"LFS files are not supported by this stand-in Hub: {value.get('path')}")
            else:
                raise _HubError(400, f"Unknown commit operation: {key}")
        oid = store.commit(repo, revision, header.get("summary", ""), added, deleted)
        return 200, {"success": True, "commitOid": oid, "commitUrl": f"{self._repo_url(repo)}/commit/{oid}"}, {}

    def _resolve(self, repo: _Repo, revision: str, path: str):
        commit = repo.resolve(revision)
        if path not in commit.files:
            # With the commit id, the client caches that the file is absent from this commit.
            raise _HubError(404, f"Entry not found: {path}", "EntryNotFound", {"X-Repo-Commit": commit.oid})
        data = commit.files[path]
        # No X-Xet-Hash header: the client then downloads the body over plain HTTP.
        headers = {
            "Content-Type": "application/octet-stream",
            "ETag": f'"{_git_oid(data)}"',
            "X-Repo-Commit": commit.oid,
        }
        return 200, data, headers


def run_client(code: str, env: dict, *args: str, timeout: float = 120) -> dict:
    """Run `code` in a new interpreter with `env` on top of a clean HF_* environment.

    `args` become sys.argv[1:]; the last line `code` prints is parsed as JSON and returned.
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_"))}
    clean.update(
        HF_HUB_DISABLE_TELEMETRY="1",  # else the first request also probes HF_ENDPOINT/api/agent-harnesses
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HUB_ETAG_TIMEOUT="3",  # bounds the wait on a server that accepts but never answers
        HF_HUB_DOWNLOAD_TIMEOUT="3",
    )
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"client failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])
