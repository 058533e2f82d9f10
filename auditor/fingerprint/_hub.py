"""Fingerprints of Hub models through HTTP range requests, cached by (repo, commit).

Only the safetensors headers and the sampled rows are fetched (``auditor.hub.read_range``),
never a whole weight file: a 70B model costs a few MB (``bench/fingerprint_bytes.py``). The
small files read whole (``config.json``, the shard index) are asked for as a range of at most
:data:`SMALL_FILE_CAP` bytes. A fingerprint is cached only when the revision is a commit sha:
a branch moves, a commit does not.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path

from auditor.errors import InputError, RepoNotFoundError
from auditor.fingerprint._local import INDEX_FILE, MissingWeightsError, model_type, shard_names
from auditor.fingerprint._record import Fingerprint, fingerprint_from_json
from auditor.fingerprint._safetensors import sample_safetensors
from auditor.safeio import parse_json

log = logging.getLogger(__name__)

SMALL_FILE_CAP = 16 << 20
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class HubFiles:
    """A range reader over one repo at one revision; counts the bytes fetched."""

    def __init__(self, repo: str, revision: str, token: str | None) -> None:
        self.repo, self.revision, self.token = repo, revision, token
        self.bytes_read = 0
        self._lock = threading.Lock()

    def __call__(self, filename: str, start: int, length: int) -> bytes:
        from auditor.hub import read_range

        data = read_range(self.repo, filename, self.revision, start, length, token=self.token)
        with self._lock:
            self.bytes_read += len(data)
        return data

    def small_json(self, filename: str) -> object:
        return parse_json(self(filename, 0, SMALL_FILE_CAP), f"{self.repo}/{filename}")


def cache_path(repo: str, revision: str, filename: str | None, *, use_cache: bool) -> Path | None:
    """Where the fingerprint of ``repo`` (of its file ``filename``) at ``revision`` is cached:
    only a pinned commit is, so ``None`` for a branch or tag, or with ``use_cache`` off."""
    if not (use_cache and _COMMIT.match(revision)):
        return None
    from auditor.cache import cache_dir
    from auditor.names import safe_component

    name = f"{revision}.json" if filename is None else f"{revision}.{safe_component(filename)}.json"
    return cache_dir("fingerprints") / safe_component(repo) / name


def cached_fingerprint(path: Path | None, compute: Callable[[], Fingerprint]) -> Fingerprint:
    """The fingerprint cached at ``path`` if it reads back; else ``compute()``'s, cached there
    (``path`` None: computed, not cached)."""
    if path is not None and path.is_file():
        try:
            return fingerprint_from_json(json.loads(path.read_text()))
        except (InputError, ValueError) as exc:
            log.warning("ignoring unreadable cached fingerprint %s: %s", path, exc)
    result = compute()
    if path is not None:
        from auditor.outputs import atomic_write_text

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(result.to_json()))
    return result


def _weight_files(files: HubFiles) -> list[str]:
    try:
        files("model.safetensors", 0, 8)
        return ["model.safetensors"]
    except RepoNotFoundError:
        pass
    try:
        return shard_names(files.small_json(INDEX_FILE), f"{files.repo}/{INDEX_FILE}")
    except RepoNotFoundError:
        raise MissingWeightsError(f"{files.repo}@{files.revision} has no safetensors weights "
                                  "to fingerprint") from None


def fingerprint_hub(repo: str, revision: str | None, *, token: str | None = None,
                    use_cache: bool = True) -> Fingerprint:
    """The fingerprint of ``repo`` at ``revision`` (default ``main``)."""
    rev = revision or "main"

    def compute() -> Fingerprint:
        files = HubFiles(repo, rev, token)
        names = _weight_files(files)
        try:
            arch = model_type(files.small_json("config.json"))
        except RepoNotFoundError:
            arch = None
        samples, skipped = sample_safetensors(files, names)
        return Fingerprint(f"{repo}@{rev}", "safetensors", arch, rev, samples,
                           files.bytes_read, tuple(skipped))

    return cached_fingerprint(cache_path(repo, rev, None, use_cache=use_cache), compute)
