"""Sampling safetensors files through a :data:`RangeReader`: 8 bytes of header length, the
JSON header (names, dtypes, shapes, offsets), then one short range per sampled row.

Nothing is deserialised but the header (through the bounded JSON parser) and raw little-endian
floats; every offset is checked against the header's own data size before it is used.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from math import prod
from typing import Any

import numpy as np

from auditor.errors import InputError
from auditor.fingerprint._plan import SamplePlan, plan_sample
from auditor.fingerprint._ranges import RangeReader, read_many
from auditor.fingerprint._record import TensorSample
from auditor.safeio import parse_json

#: safetensors' own ceiling on the header (100 MB).
MAX_HEADER_BYTES = 100_000_000
_ITEMSIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2}


def decode_floats(raw: bytes, dtype: str) -> np.ndarray:
    """Little-endian F64/F32/F16/BF16 bytes as float32."""
    if dtype == "BF16":
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return bits.view(np.float32)
    kind = {"F64": "<f8", "F32": "<f4", "F16": "<f2"}[dtype]
    return np.frombuffer(raw, dtype=kind).astype(np.float32)


def read_header(read: RangeReader, filename: str) -> tuple[dict[str, Any], int]:
    """The tensor entries of a safetensors header and where the data starts."""
    (size,) = struct.unpack("<Q", read(filename, 0, 8))
    if not 2 <= size <= MAX_HEADER_BYTES:
        raise InputError(f"{filename}: safetensors header length {size} is not plausible")
    header = parse_json(read(filename, 8, size), f"{filename} header")
    if not isinstance(header, dict):
        raise InputError(f"{filename}: safetensors header is not a JSON object")
    header.pop("__metadata__", None)
    return header, 8 + size


def _entry(filename: str, name: str, entry: Any) -> tuple[str, tuple[int, ...], int, int]:
    try:
        dtype = str(entry["dtype"])
        shape = tuple(int(d) for d in entry["shape"])
        begin, end = (int(x) for x in entry["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{filename}: tensor {name!r} has a malformed header entry") from None
    if min(shape, default=1) < 0 or begin < 0 or end < begin:
        raise InputError(f"{filename}: tensor {name!r} has negative sizes or offsets")
    return dtype, shape, begin, end


def _row_ranges(plan: SamplePlan, base: int, itemsize: int) -> list[tuple[int, int]]:
    return [(base + (r * plan.ncols_total + plan.col0) * itemsize, plan.ncols * itemsize)
            for r in plan.rows]


def sample_safetensors(read: RangeReader, filenames: Iterable[str]
                       ) -> tuple[dict[str, TensorSample], list[str]]:
    """Every floating tensor of the files sampled; also the names of those skipped (integer
    or 8-bit types, which no fingerprint compares)."""
    samples: dict[str, TensorSample] = {}
    skipped: list[str] = []
    for filename in filenames:
        header, data_start = read_header(read, filename)
        wanted: list[tuple[str, str, tuple[int, ...], SamplePlan, list[tuple[int, int]]]] = []
        for name, entry in sorted(header.items()):
            dtype, shape, begin, end = _entry(filename, name, entry)
            itemsize = _ITEMSIZE.get(dtype)
            if itemsize is None or prod(shape) == 0:
                skipped.append(name)
                continue
            if (end - begin) != prod(shape) * itemsize:
                raise InputError(f"{filename}: tensor {name!r} has {end - begin} bytes for "
                                 f"shape {list(shape)} of {dtype}")
            plan = plan_sample(name, shape)
            wanted.append((name, dtype, shape, plan,
                           _row_ranges(plan, data_start + begin, itemsize)))
        fetched = read_many(read, filename, [r for w in wanted for r in w[4]])
        for name, dtype, shape, plan, ranges in wanted:
            rows = [decode_floats(fetched[r], dtype) for r in ranges]
            values = np.stack(rows).reshape(len(plan.rows), plan.ncols)
            samples[name] = TensorSample(name, shape, dtype, values)
    return samples, skipped


__all__ = ["decode_floats", "read_header", "sample_safetensors"]
