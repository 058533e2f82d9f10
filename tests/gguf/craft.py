"""A GGUF writer for tests that can also write what no honest writer would.

``gguf.GGUFWriter`` refuses (or cannot express) wrong counts, misaligned offsets and lengths
near 2**64, so hostile files are built here from the spec, byte by byte. Every count, length,
type and offset field is recorded with its position, so a test (or the fuzzer) can overwrite
exactly that field; every region (header, metadata, tensor infos, padding, data) is recorded
too, so a truncation can be aimed at each.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UINT8, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, FLOAT64 = 0, 4, 5, 6, 7, 8, 9, 10, 12
_CODES = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
          12: "d"}
# The few ggml types used here: id -> (elements per block, bytes per block), from the spec.
F32, F16, Q8_0 = 0, 1, 8
_BLOCKS = {F32: (1, 4), F16: (1, 2), Q8_0: (32, 34)}


@dataclass(frozen=True)
class Tensor:
    name: str
    shape: tuple[int, ...]
    ggml_type: int = F32
    offset: int | None = None  # None: the next aligned offset after the previous tensor

    @property
    def nbytes(self) -> int:
        block, size = _BLOCKS[self.ggml_type]
        count = 1
        for d in self.shape:
            count *= d
        return count // block * size


@dataclass
class Crafted:
    """The bytes of a GGUF file, where each of its fields and regions lies."""

    data: bytes
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (offset, size)
    regions: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (start, end)

    def write(self, path: Path) -> Path:
        path.write_bytes(self.data)
        return path

    def patched(self, name: str, value: int) -> bytes:
        """The bytes with field ``name`` set to ``value`` (unsigned, in the file's width)."""
        offset, size = self.fields[name]
        raw = value.to_bytes(size, "little")
        return self.data[:offset] + raw + self.data[offset + size:]


VOCAB = [f"tok{i}" for i in range(100)]
DEFAULT_KV: tuple[tuple[str, int, Any], ...] = (
    ("general.architecture", STRING, "llama"),
    ("general.name", STRING, "crafted"),
    ("general.alignment", UINT32, 32),
    ("general.file_type", UINT32, 0),
    ("general.tags", ARRAY, (STRING, ["a", "b"])),
    ("tokenizer.ggml.tokens", ARRAY, (STRING, VOCAB)),
    ("tokenizer.ggml.scores", ARRAY, (FLOAT32, [0.0] * len(VOCAB))),
    ("tokenizer.ggml.token_type", ARRAY, (INT32, [1] * len(VOCAB))),
    ("llama.block_count", UINT32, 1),
    ("tokenizer.ggml.add_bos_token", BOOL, True),
    ("some.float", FLOAT64, 0.5),
)
DEFAULT_TENSORS = (Tensor("a", (8, 4)), Tensor("b", (64, 2), Q8_0), Tensor("c", (16,), F16))


class _Out:
    def __init__(self) -> None:
        self.buf = bytearray()
        self.fields: dict[str, tuple[int, int]] = {}

    def put(self, fmt: str, value: Any, name: str | None = None) -> None:
        if name is not None:
            self.fields[name] = (len(self.buf), struct.calcsize("<" + fmt))
        self.buf += struct.pack("<" + fmt, value)

    def string(self, text: str | bytes, name: str) -> None:
        raw = text.encode() if isinstance(text, str) else text
        self.put("Q", len(raw), name)
        self.buf += raw

    def value(self, vtype: int, value: Any, name: str) -> None:
        if vtype in _CODES:
            self.put(_CODES[vtype], value, name + ".value")
        elif vtype == STRING:
            self.string(value, name + ".len")
        else:
            etype, items = value
            self.put("I", etype, name + ".etype")
            self.put("Q", len(items), name + ".count")
            for i, item in enumerate(items):
                self.value(etype, item, f"{name}[{i}]")


def craft_gguf(
    *,
    kv: Sequence[tuple[str, int, Any]] = DEFAULT_KV,
    tensors: Sequence[Tensor] = DEFAULT_TENSORS,
    alignment: int = 32,
    version: int = 3,
    tensor_count: int | None = None,
    kv_count: int | None = None,
    data_bytes: int | None = None,
) -> Crafted:
    """A little-endian GGUF; counts default to the real ones, data to a byte pattern."""
    out = _Out()
    out.buf += b"GGUF"
    out.put("I", version, "version")
    out.put("Q", len(tensors) if tensor_count is None else tensor_count, "tensor_count")
    out.put("Q", len(kv) if kv_count is None else kv_count, "kv_count")
    regions = {"header": (0, len(out.buf))}
    for key, vtype, value in kv:
        out.string(key, f"key:{key}.len")
        out.put("I", vtype, f"kv:{key}.type")
        out.value(vtype, value, f"kv:{key}")
    regions["metadata"] = (regions["header"][1], len(out.buf))
    offsets, next_offset = [], 0
    for t in tensors:
        offset = next_offset if t.offset is None else t.offset
        offsets.append(offset)
        next_offset = -(-(offset + t.nbytes) // alignment) * alignment
        out.string(t.name, f"tensor:{t.name}.name_len")
        out.put("I", len(t.shape), f"tensor:{t.name}.n_dims")
        for j, dim in enumerate(t.shape):
            out.put("Q", dim, f"tensor:{t.name}.dim{j}")
        out.put("I", t.ggml_type, f"tensor:{t.name}.type")
        out.put("Q", offset, f"tensor:{t.name}.offset")
    regions["tensor_infos"] = (regions["metadata"][1], len(out.buf))
    start = -(-len(out.buf) // alignment) * alignment
    out.buf += b"\0" * (start - len(out.buf))
    regions["padding"] = (regions["tensor_infos"][1], start)
    end = max((o + t.nbytes for o, t in zip(offsets, tensors, strict=True)), default=0)
    size = end if data_bytes is None else data_bytes
    out.buf += bytes((i * 37 + 11) % 251 for i in range(size))
    regions["data"] = (start, len(out.buf))
    return Crafted(bytes(out.buf), out.fields, regions)
