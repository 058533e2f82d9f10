"""Read the key/value header of a GGUF file without loading its tensors or vocabulary.

The ``gguf`` package's reader parses every field and maps every tensor (seconds for a
262k-token vocabulary); this reads the scalar and string fields and skips arrays.
"""

from __future__ import annotations

import mmap
import struct
from pathlib import Path
from typing import Any

from auditor.errors import InputError

_SCALARS: dict[int, str] = {
    0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q",
    11: "<q", 12: "<d",
}
_STRING, _ARRAY = 8, 9


class _Cursor:
    def __init__(self, data: mmap.mmap) -> None:
        self.data, self.pos = data, 0

    def unpack(self, fmt: str) -> Any:
        value = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        size = self.unpack("<Q")
        raw = self.data[self.pos : self.pos + size]
        self.pos += size
        return raw.decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        self.pos += 8 + struct.unpack_from("<Q", self.data, self.pos)[0]

    def value(self, kind: int) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, count = self.unpack("<I"), self.unpack("<Q")
            if item_kind in _SCALARS:
                self.pos += struct.calcsize(_SCALARS[item_kind]) * count
            elif item_kind == _STRING:
                for _ in range(count):
                    self.skip_string()
            else:
                for _ in range(count):
                    self.value(item_kind)
            return None  # arrays are skipped
        raise ValueError(f"unknown GGUF value type {kind}")


def read_gguf_header(path: Path) -> dict[str, Any]:
    """The scalar and string metadata of a GGUF file (arrays omitted), keyed by name."""
    try:
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0,
                                                  access=mmap.ACCESS_READ) as data:
            if data[:4] != b"GGUF":
                raise InputError(f"{path} is not a GGUF file (bad magic)")
            cursor = _Cursor(data)
            cursor.pos = 4
            version = cursor.unpack("<I")
            if version < 2:
                raise InputError(f"{path}: GGUF version {version} is too old")
            cursor.unpack("<Q")  # tensor count
            kv_count = cursor.unpack("<Q")
            out: dict[str, Any] = {}
            for _ in range(kv_count):
                key = cursor.string()
                value = cursor.value(cursor.unpack("<I"))
                if value is not None:
                    out[key] = value
            return out
    except (OSError, ValueError, struct.error) as exc:
        raise InputError(f"{path} is not a readable GGUF file: {exc}") from exc


def validate_gguf(path: Path) -> None:
    """Placeholder until the structural validator lands: the header must parse."""
    read_gguf_header(path)
