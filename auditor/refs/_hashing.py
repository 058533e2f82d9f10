"""sha256 of local weights, cached by (path, size, mtime) so large files are hashed once."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from auditor.cache import cache_dir as shared_cache_dir
from auditor.cache import cache_root

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_SKIP_DIRS = {".git", ".cache", "__pycache__", ".huggingface"}


def cache_dir() -> Path:
    """The hash cache's folder: ``hashes`` under the cache root (:mod:`auditor.cache`)."""
    return shared_cache_dir("hashes", create=False)


def _cache_file() -> Path:
    return cache_dir() / "sha256.json"


def _legacy_file() -> Path:
    """Where the cache file lay before it moved to ``hashes/``: directly in the root."""
    return cache_root() / "sha256.json"


def _load_cache() -> dict[str, str]:
    """The cache; while the new file does not exist yet, the old one (read, never moved)."""
    current = _cache_file()
    source = current if current.exists() else _legacy_file()
    try:
        data = json.loads(source.read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def _save_cache(cache: dict[str, str]) -> None:
    target = _cache_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(cache))
        os.replace(tmp, target)
    except OSError as exc:  # a read-only home must not stop an evaluation
        log.debug("cannot write the hash cache %s: %s", target, exc)


def file_sha256(path: Path) -> str:
    """The sha256 hex digest of one file (cached while its size and mtime are unchanged)."""
    resolved = path.resolve()
    stat = resolved.stat()
    cache_key = f"{resolved}|{stat.st_size}|{stat.st_mtime_ns}"
    cache = _load_cache()
    if cache_key in cache:
        return cache[cache_key]
    log.info("hashing %s (%.1f MB)", resolved, stat.st_size / 1e6)
    value = uncached_file_sha256(resolved)
    cache = _load_cache()
    cache[cache_key] = value
    _save_cache(cache)
    return value


def uncached_file_sha256(path: Path) -> str:
    """The sha256 hex digest of one file, read in full every time (no cache)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def folder_sha256(folder: Path, *, file_digest: Callable[[Path], str] = file_sha256) -> str:
    """sha256 of a folder's manifest: every regular file's relative path and sha256, sorted.

    ``file_digest`` hashes one file: the cached :func:`file_sha256` unless a caller that must
    not trust the cache (a verifier) passes :func:`uncached_file_sha256`.
    """
    lines = []
    for path in sorted(_regular_files(folder)):
        rel = path.relative_to(folder).as_posix()
        lines.append(f"{rel}\0{file_digest(path)}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _regular_files(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            path = Path(root) / name
            if path.is_file() and not name.endswith(".lock"):
                found.append(path)
    return found
