"""Structural validation of a whole GGUF header, tensor infos included, before llama.cpp sees it.

llama.cpp trusts much of what a GGUF file says: depending on the version it aborts (SIGABRT on a
``GGML_ASSERT``), reads out of bounds or dies with SIGBUS when a count, offset or type is wrong,
taking its process with it. :func:`validate_gguf` walks the same structure first, in Python and
in the auditor's own process, and turns each of these into a one-line
:class:`~auditor.errors.InputError`:

- truncated files: every tensor's data range must lie inside the file (a download cut short is
  the commonest case), and every count and length must fit in the bytes that remain;
- tensor infos: unique names shorter than 64 bytes, 1 to 4 positive dimensions, a known ggml
  type whose block size divides the row, a data offset aligned to ``general.alignment`` (a
  power of two, 32 by default), no two tensors' data overlapping;
- the few metadata values llama.cpp reads without checking their type, or asserts on:
  ``general.alignment`` (uint32), the tokenizer arrays (element types, scores and types as
  long as the tokens) and the tokens' texts (no two alike);
- what llama.cpp cannot read at all: nested arrays, a byte order other than this machine's.

On the 253 MB Gemma 3 270M Q4_K_M GGUF (262k tokens, 236 tensors) it takes ~0.2 s on a busy
2-core machine (0.45 s on the first call, which imports ``gguf``): the file is memory-mapped,
numeric arrays are stepped over by their length, tensor data is never read, and most of the
time is the one pass over the token texts for duplicates.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from math import prod
from pathlib import Path

from auditor.gguf._reader import Cursor, FieldType, GgufHeader, map_gguf, parse_header
from auditor.gguf._types import ARRAY, FLOAT32, INT32, STRING, UINT32, ggml_types

DEFAULT_ALIGNMENT = 32
MAX_DIMS = 4  # GGML_MAX_DIMS
MAX_NAME_BYTES = 63  # GGML_MAX_NAME is 64 with the terminating NUL
_INT64_MAX = (1 << 63) - 1
_UINT8, _INT8, _UINT64 = 0, 1, 10
# Arrays llama.cpp reads by raw pointer or asserts on: key -> allowed element types.
_TYPED_ARRAYS: dict[str, tuple[int, ...]] = {
    "tokenizer.ggml.tokens": (STRING,),
    "tokenizer.ggml.scores": (FLOAT32,),
    "tokenizer.ggml.token_type": (INT32,),
    "tokenizer.ggml.merges": (STRING,),
    "tokenizer.ggml.precompiled_charsmap": (_UINT8, _INT8),
}
_PER_TOKEN = ("tokenizer.ggml.scores", "tokenizer.ggml.token_type")


@dataclass(frozen=True, slots=True)
class TensorInfo:
    """One tensor as the header describes it; ``start`` is absolute in the file."""

    name: str
    shape: tuple[int, ...]
    ggml_type: str
    start: int
    nbytes: int


@dataclass(frozen=True, slots=True)
class GgufLayout:
    """A GGUF file that passed :func:`validate_gguf`: its header, alignment and tensors."""

    header: GgufHeader
    alignment: int
    data_offset: int
    tensors: tuple[TensorInfo, ...]


def validate_gguf(path: str | Path) -> GgufLayout:
    """Walk the whole header of a GGUF file and check it can be loaded safely; raises
    :class:`~auditor.errors.InputError` naming the file and the first problem found."""
    return map_gguf(path, _validate)


def validate_gguf_prefix(prefix: bytes, name: str, file_size: int) -> GgufLayout:
    """:func:`validate_gguf` on the first bytes of a file of ``file_size`` bytes read
    elsewhere (a Hub file by ranged reads): every tensor's data must lie inside
    ``file_size``. Raises :class:`~auditor.gguf.GgufTruncatedError` (with ``needed``) when
    the header runs past ``prefix``, :class:`~auditor.errors.InputError` when it is bad."""
    return _validate(Cursor(prefix, Path(name)), file_size)


def _validate(cur: Cursor, file_size: int | None = None) -> GgufLayout:
    header = parse_header(cur)
    native = "<" if sys.byteorder == "little" else ">"
    if header.byte_order != native:
        cur.fail("GGUF file is in the other byte order; llama.cpp reads it only on a machine "
                 "of that byte order")
    alignment = _alignment(cur, header)
    _check_arrays(cur, header.types)
    relative = _tensor_infos(cur, header.tensor_count, alignment)
    data_offset = -(-cur.pos // alignment) * alignment
    tensors = tuple(
        TensorInfo(t.name, t.shape, t.ggml_type, data_offset + t.start, t.nbytes)
        for t in relative
    )
    _check_ranges(cur, tensors, cur.size if file_size is None else file_size)
    return GgufLayout(header, alignment, data_offset, tensors)


def _alignment(cur: Cursor, header: GgufHeader) -> int:
    kind = header.types.get("general.alignment")
    if kind is None:
        return DEFAULT_ALIGNMENT
    if kind != FieldType(UINT32):
        cur.fail(f"general.alignment is {kind.describe()}; it must be uint32")
    value: int = header.metadata["general.alignment"]
    if value <= 0 or value & (value - 1):
        cur.fail(f"general.alignment is {value}; it must be a power of two")
    return value


def _check_arrays(cur: Cursor, types: Mapping[str, FieldType]) -> None:
    for key, kind in types.items():
        if kind.element_type == ARRAY:
            cur.fail(f"metadata key {key!r} is an array of arrays, which llama.cpp cannot read")
        allowed = _TYPED_ARRAYS.get(key)
        if allowed is not None and (kind.type != ARRAY or kind.element_type not in allowed):
            cur.fail(f"metadata key {key!r} is {kind.describe()}; llama.cpp needs an array of "
                     + " or ".join(FieldType(t).describe() for t in allowed))
    tokens = types.get("tokenizer.ggml.tokens")
    if tokens is None:
        return
    for key in _PER_TOKEN:
        per_token = types.get(key)
        if per_token is not None and per_token.count != tokens.count:
            cur.fail(f"metadata key {key!r} has {per_token.count} entries for {tokens.count} "
                     "tokens")
    _check_unique_tokens(cur, tokens)


def _check_unique_tokens(cur: Cursor, tokens: FieldType) -> None:
    """llama.cpp aborts (SIGABRT) when two tokens have the same text: find them first.

    The strings were bounded by the header walk already; an empty token is named
    ``[EMPTY_<index>]`` as llama.cpp renames it."""
    data, pos = cur.data, tokens.offset
    unpack = cur.structs[_UINT64].unpack_from
    first: dict[bytes, int] = {}
    for index in range(tokens.count):
        size = unpack(data, pos)[0]
        text = data[pos + 8:pos + 8 + size] or b"[EMPTY_%d]" % index
        pos += 8 + size
        seen = first.setdefault(text, index)
        if seen != index:
            shown = text[:40].decode("utf-8", errors="replace")
            cur.fail(f"token {index} ({shown!r}) has the same text as token {seen}")


def _tensor_infos(cur: Cursor, count: int, alignment: int) -> list[TensorInfo]:
    types = ggml_types()
    seen: set[str] = set()
    out = []
    for index in range(count):
        name = cur.string(f"name of tensor {index}", MAX_NAME_BYTES)
        if name in seen:
            cur.fail(f"tensor name {name!r} appears twice")
        seen.add(name)
        n_dims = cur.u32(f"dimension count of tensor {name!r}")
        if not 1 <= n_dims <= MAX_DIMS:
            cur.fail(f"tensor {name!r} has {n_dims} dimensions (1 to {MAX_DIMS} are allowed)")
        shape = tuple(cur.u64(f"dimension {d} of tensor {name!r}") for d in range(n_dims))
        elements = prod(shape)
        if min(shape) < 1 or elements > _INT64_MAX:
            cur.fail(f"tensor {name!r} has shape {list(shape)}: dimensions must be positive "
                     "and their product at most 2**63 - 1")
        code = cur.u32(f"type of tensor {name!r}")
        if code not in types:
            cur.fail(f"tensor {name!r} has unknown ggml type {code}")
        type_name, block, type_size = types[code]
        if shape[0] % block:
            cur.fail(f"tensor {name!r} of type {type_name} has rows of {shape[0]} elements, "
                     f"not a multiple of its block size {block}")
        offset = cur.u64(f"data offset of tensor {name!r}")
        if offset % alignment:
            cur.fail(f"tensor {name!r} has data offset {offset}, not a multiple of the "
                     f"alignment {alignment}")
        out.append(TensorInfo(name, shape, type_name, offset, elements // block * type_size))
    return out


def _check_ranges(cur: Cursor, tensors: tuple[TensorInfo, ...], size: int) -> None:
    previous: TensorInfo | None = None
    for tensor in sorted(tensors, key=lambda t: (t.start, t.nbytes)):
        end = tensor.start + tensor.nbytes
        if end > size:
            cur.fail(f"GGUF file is truncated or corrupt: tensor {tensor.name!r} needs bytes "
                     f"{tensor.start} to {end}, the file has {size}")
        if previous is not None and tensor.start < previous.start + previous.nbytes:
            cur.fail(f"tensors {previous.name!r} and {tensor.name!r} overlap in the file")
        previous = tensor
