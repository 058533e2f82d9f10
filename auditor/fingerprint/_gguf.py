"""Sampling a GGUF file: the bounded reader validates the header and tensor infos, each tensor
gets its Hugging Face name (:mod:`auditor.fingerprint._names`) and the same sampled positions
as in the safetensors original, and only the quantization blocks that hold those positions are
read and dequantized (``gguf.quants.dequantize``).

GGUF lists dimensions fastest-first (``ne0`` = torch's last dimension), so a tensor's torch
shape is its GGUF shape reversed, and element ``i`` of the flattened torch tensor is element
``i`` of the GGUF data: a block of ``B`` elements covers flat positions ``[kB, (k+1)B)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from auditor.errors import InputError
from auditor.fingerprint._names import NORM_PLUS_ONE, hf_name, hf_row_to_gguf, permuted_heads
from auditor.fingerprint._plan import SamplePlan, plan_sample
from auditor.fingerprint._ranges import LocalFiles, RangeReader, read_many
from auditor.fingerprint._record import Fingerprint, TensorSample
from auditor.fingerprint._safetensors import decode_floats
from auditor.gguf import GgufLayout, TensorInfo, ggml_types, import_gguf_package, validate_gguf

_FLOAT_TYPES = {"F32": "F32", "F16": "F16", "BF16": "BF16", "F64": "F64"}


def _import_gguf() -> Any:
    return import_gguf_package("fingerprinting GGUF files")


def _blocks(tensor: TensorInfo) -> tuple[int, int, int]:
    """(ggml type code, elements per block, bytes per block) of a tensor."""
    for code, (name, block, size) in ggml_types().items():
        if name == tensor.ggml_type:
            return code, block, size
    raise InputError(f"tensor {tensor.name!r} has unknown ggml type {tensor.ggml_type}")


def _dequantize(raw: bytes, tensor: TensorInfo, code: int) -> np.ndarray:
    if tensor.ggml_type in _FLOAT_TYPES:
        return decode_floats(raw, _FLOAT_TYPES[tensor.ggml_type])
    gguf = _import_gguf()
    data = np.frombuffer(raw, dtype=np.uint8)
    values: np.ndarray = gguf.quants.dequantize(data, gguf.GGMLQuantizationType(code))
    return values.reshape(-1).astype(np.float32)


def _spans(plan: SamplePlan, gguf_rows: list[int], block: int
           ) -> list[tuple[int, int, int]]:
    """Per sampled row: (first block, block count, offset of the run in the first block)."""
    out = []
    for row in gguf_rows:
        first = row * plan.ncols_total + plan.col0
        b0, b1 = first // block, -(-(first + plan.ncols) // block)
        out.append((b0, b1 - b0, first - b0 * block))
    return out


def _sample_tensor(read: RangeReader, filename: str, tensor: TensorInfo, hf: str,
                   heads: int | None) -> TensorSample:
    shape = tuple(reversed(tensor.shape))
    plan = plan_sample(hf, shape)
    rows = [hf_row_to_gguf(r, plan.nrows_total, heads) if heads else r for r in plan.rows]
    code, block, size = _blocks(tensor)
    spans = _spans(plan, rows, block)
    ranges = [(tensor.start + b0 * size, count * size) for b0, count, _ in spans]
    fetched = read_many(read, filename, ranges)
    values = np.empty((len(rows), plan.ncols), dtype=np.float32)
    for index, ((_, _, skip), rng) in enumerate(zip(spans, ranges, strict=True)):
        values[index] = _dequantize(fetched[rng], tensor, code)[skip:skip + plan.ncols]
    return TensorSample(hf, shape, tensor.ggml_type, values)


def fingerprint_gguf(path: Path, ref: str | None = None) -> Fingerprint:
    """The fingerprint of a local GGUF file (InputError when the file is malformed)."""
    reader = LocalFiles(path.parent)
    return sample_gguf(validate_gguf(path), reader, path.name, ref or str(path), None)


def sample_gguf(layout: GgufLayout, read: RangeReader, filename: str, ref: str,
                revision: str | None) -> Fingerprint:
    """The fingerprint of a validated GGUF ``filename`` whose blocks ``read`` fetches (a
    local folder or a Hub repo); ``bytes_read`` is what ``read`` has counted so far."""
    meta = layout.header.metadata
    arch = str(meta.get("general.architecture", "")) or None
    n_head = _int(meta.get(f"{arch}.attention.head_count"))
    n_head_kv = _int(meta.get(f"{arch}.attention.head_count_kv")) or n_head
    samples: dict[str, TensorSample] = {}
    skipped: list[str] = []
    for tensor in layout.tensors:
        hf = hf_name(tensor.name, arch or "")
        if hf is None:
            skipped.append(tensor.name)
            continue
        heads = permuted_heads(hf, arch or "", n_head, n_head_kv)
        sample = _sample_tensor(read, filename, tensor, hf, heads)
        if arch in NORM_PLUS_ONE and hf.endswith("norm.weight"):
            sample = TensorSample(hf, sample.shape, sample.storage, sample.values - 1.0)
        samples[hf] = sample
    return Fingerprint(ref, "gguf", arch, revision, samples, int(getattr(read, "bytes_read", 0)),
                       tuple(skipped))


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
