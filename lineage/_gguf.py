"""A fast GGUF metadata reader that skips large arrays (the vocabulary) instead of decoding them.

``gguf.GGUFReader`` materialises every array, which takes ~20 s on a 262k-token vocabulary;
lineage needs only a few ``general.*`` keys. This reader walks the key/value section with
``mmap``: scalars and small arrays are decoded, larger arrays are stepped over (string arrays
by their length prefixes) and stand as :class:`SkippedArray`. Tensor data is never touched.
Follows the GGUF spec (versions 2 and 3, either byte order).
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import InputError

_SCALARS = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q",
            12: "d"}
_STRING, _ARRAY = 8, 9
SMALL_ARRAY = 64

# llama.cpp's LLAMA_FTYPE values (general.file_type) -> quantization name, as in gguf.LlamaFileType
_FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4",
}


@dataclass(frozen=True, slots=True)
class SkippedArray:
    """An array too large to decode: its element type and length."""

    element_type: int
    count: int


def read_gguf_metadata(path: str | Path, small_array: int = SMALL_ARRAY) -> dict[str, Any]:
    """The key/value metadata of a GGUF file; arrays longer than ``small_array`` are skipped."""
    p = Path(path)
    try:
        with p.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return _Parser(mm, p, small_array).run()
    except struct.error as exc:
        raise InputError(f"{p}: GGUF header is truncated or corrupt ({exc})") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read GGUF file {p}: {exc}") from exc


def file_type_name(value: Any) -> str | None:
    """The quantization name of ``general.file_type`` (e.g. 15 -> ``Q4_K_M``)."""
    if not isinstance(value, int):
        return None
    try:
        import gguf  # the [gguf] extra: the authoritative table when installed

        return str(gguf.LlamaFileType(value).name).removeprefix("MOSTLY_")
    except (ImportError, ValueError):
        return _FILE_TYPES.get(value)


class _Parser:
    def __init__(self, mm: mmap.mmap, path: Path, small_array: int) -> None:
        self.mm = mm
        self.path = path
        self.small = small_array
        self.pos = 0
        self.order = "<"

    def run(self) -> dict[str, Any]:
        if len(self.mm) < 24 or self.mm[:4] != b"GGUF":
            raise InputError(f"{self.path} is not a GGUF file (bad magic)")
        version = struct.unpack_from("<I", self.mm, 4)[0]
        if version & 0xFFFF == 0:  # written big-endian
            self.order = ">"
            version = struct.unpack_from(">I", self.mm, 4)[0]
        if version not in (2, 3):
            raise InputError(f"{self.path}: unsupported GGUF version {version}")
        self.pos = 8
        self._take("Q")  # tensor count
        n_kv = self._take("Q")
        out: dict[str, Any] = {"GGUF.version": version}
        for _ in range(n_kv):
            key = self._string()
            out[key] = self._value(self._take("I"))
        return out

    def _take(self, fmt: str) -> Any:
        full = self.order + fmt
        size = struct.calcsize(full)
        if self.pos + size > len(self.mm):
            raise InputError(f"{self.path}: GGUF header is truncated")
        value = struct.unpack_from(full, self.mm, self.pos)[0]
        self.pos += size
        return value

    def _string(self) -> str:
        length = self._take("Q")
        end = self.pos + length
        if end > len(self.mm):
            raise InputError(f"{self.path}: GGUF header is truncated")
        text = self.mm[self.pos:end].decode("utf-8", errors="replace")
        self.pos = end
        return text

    def _value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self._take(_SCALARS[vtype])
        if vtype == _STRING:
            return self._string()
        if vtype == _ARRAY:
            etype = self._take("I")
            count = self._take("Q")
            if count <= self.small:
                return [self._value(etype) for _ in range(count)]
            self._skip(etype, count)
            return SkippedArray(etype, count)
        raise InputError(f"{self.path}: unknown GGUF value type {vtype}")

    def _skip(self, etype: int, count: int) -> None:
        if etype in _SCALARS:
            self.pos += struct.calcsize(self.order + _SCALARS[etype]) * count
        elif etype == _STRING:
            mm, pos, unpack = self.mm, self.pos, struct.Struct(self.order + "Q").unpack_from
            for _ in range(count):
                pos += 8 + unpack(mm, pos)[0]
            self.pos = pos
        else:
            for _ in range(count):
                self._value(etype)
        if self.pos > len(self.mm):
            raise InputError(f"{self.path}: GGUF header is truncated")
