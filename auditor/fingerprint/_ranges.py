"""Byte ranges of a file, read locally or from the Hub, with nearby ranges merged.

A fingerprint needs a few thousand short runs of bytes. Each remote range is one HTTP request,
so runs closer than :data:`MERGE_GAP` are read as one (a tiny model becomes a handful of
requests; in a large model the sampled rows lie far apart and stay separate), and up to
:data:`PARALLEL_READS` are in flight at once (a 70B model takes ~18k requests).
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from auditor.errors import InputError

#: Gaps up to this many bytes are read through: ~4 KB costs less than another round trip.
MERGE_GAP = 4096
#: Range requests in flight at once.
PARALLEL_READS = 8

#: ``read(filename, start, length) -> bytes`` of one model's files.
RangeReader = Callable[[str, int, int], bytes]


def merge_ranges(ranges: Sequence[tuple[int, int]], gap: int = MERGE_GAP) -> list[tuple[int, int]]:
    """(start, length) ranges sorted and merged where they overlap or lie ``gap`` apart."""
    merged: list[list[int]] = []
    for start, length in sorted(ranges):
        if merged and start <= merged[-1][0] + merged[-1][1] + gap:
            end = max(merged[-1][0] + merged[-1][1], start + length)
            merged[-1][1] = end - merged[-1][0]
        else:
            merged.append([start, length])
    return [(s, n) for s, n in merged]


def read_many(read: RangeReader, filename: str,
              ranges: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The bytes of every requested range, fetched through merged reads."""
    out: dict[tuple[int, int], bytes] = {}
    wanted = sorted(set(ranges))
    index = 0
    merged = merge_ranges(wanted)

    def fetch(span: tuple[int, int]) -> bytes:
        return read(filename, *span)

    if len(merged) > 1:
        with ThreadPoolExecutor(PARALLEL_READS) as pool:
            blobs = list(pool.map(fetch, merged))
    else:
        blobs = [fetch(span) for span in merged]
    for (start, length), data in zip(merged, blobs, strict=True):
        if len(data) != length:
            raise InputError(f"{filename}: asked for {length} bytes at {start}, got {len(data)}"
                             " (the file is shorter than its header says)")
        while index < len(wanted) and wanted[index][0] < start + length:
            s, n = wanted[index]
            out[(s, n)] = data[s - start:s - start + n]
            index += 1
    return out


class LocalFiles:
    """A :data:`RangeReader` over the regular files of one folder; counts the bytes read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.bytes_read = 0
        self._lock = threading.Lock()

    def __call__(self, filename: str, start: int, length: int) -> bytes:
        path = self.folder / filename
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise InputError(f"cannot open {path}: {exc.strerror or exc}") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError(f"{path} is not a regular file; refusing to read it")
            if start < 0 or length < 0 or start + length > info.st_size:
                raise InputError(f"{path}: bytes {start}..{start + length} lie past its end "
                                 f"({info.st_size} bytes); the file is truncated or corrupt")
            data = os.pread(fd, length, start)
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        finally:
            os.close(fd)
        with self._lock:
            self.bytes_read += len(data)
        return data
