"""Digests of the audited weights, recomputed from the bytes on disk.

The evaluation's hashes (:mod:`auditor.refs`) are cached by path, size and modification time,
which is right for not hashing 10 GB twice and wrong for a verifier: whoever swaps a file can
also restore its size and mtime. These read every byte, every time. The folder digest is the
same manifest as :func:`auditor.refs.folder_sha256` (every regular file's relative path and
sha256, sorted; ``.git``, caches and ``*.lock`` skipped), so it equals what the report records.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_CHUNK = 1 << 20
_SKIP_DIRS = {".git", ".cache", "__pycache__", ".huggingface"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 hex digest of one regular file, read in full (no cache)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_folder(folder: Path) -> str:
    """The folder manifest digest that :func:`auditor.refs.folder_sha256` records (no cache)."""
    lines = [
        f"{path.relative_to(folder).as_posix()}\0{sha256_file(path)}\n"
        for path in sorted(_regular_files(folder))
    ]
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
