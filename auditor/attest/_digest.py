"""Digests of the audited weights, recomputed from the bytes on disk.

The evaluation's hashes (:mod:`auditor.refs`) are cached by path, size and modification time,
which is right for not hashing 10 GB twice and wrong for a verifier: whoever swaps a file can
also restore its size and mtime. These read every byte, every time. The folder digest is the
same manifest as :func:`auditor.refs.folder_sha256` (every regular file's relative path and
sha256, sorted; ``.git``, caches and ``*.lock`` skipped), so it equals what the report records.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from auditor.refs import folder_sha256, uncached_file_sha256


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The sha256 hex digest of one regular file, read in full (no cache)."""
    return uncached_file_sha256(path)


def sha256_folder(folder: Path) -> str:
    """The folder manifest digest that :func:`auditor.refs.folder_sha256` records (no cache)."""
    return folder_sha256(folder, file_digest=uncached_file_sha256)
