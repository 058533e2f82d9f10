"""A bounded reader for the header and key/value metadata of a GGUF file.

GGUF files come from strangers on the Hub, so every number in one is treated as hostile:

- every count, string length and array length is checked against the bytes left in the file
  *before* it is used, so a length near 2**64 is a clear error, not an ``OverflowError``, a
  ``MemoryError`` or a slice that silently comes back short;
- counts have sane ceilings (:class:`GgufLimits`): metadata keys, tensors, key and string
  lengths, array nesting, and the number of elements walked one by one in total (string arrays,
  arrays of arrays), so no file can make the walk loop for minutes;
- large arrays (a 262k-token vocabulary) are stepped over by their length prefixes through
  ``mmap``, never decoded; tensor data is never touched.

Any malformation raises :class:`~auditor.errors.InputError` with one line naming the file and
what is wrong. Follows the GGUF spec: versions 2 and 3, either byte order.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from auditor.errors import InputError
from auditor.gguf._types import ARRAY, SCALAR_CODES, SCALAR_SIZES, STRING, UINT32, VALUE_TYPE_NAMES

SMALL_ARRAY = 64
_UINT64 = 10
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class GgufLimits:
    """Ceilings no real GGUF comes near (Gemma 3: 36 keys, 236 tensors, 262k tokens)."""

    max_kv: int = 1 << 16
    max_tensors: int = 1 << 20
    max_key_bytes: int = 65535  # the spec's ceiling for a key
    max_string_bytes: int = 1 << 24  # a decoded string value; skipped strings need only fit
    max_nesting: int = 3  # arrays of arrays of arrays
    max_items: int = 1 << 23  # elements walked one at a time in the whole file


LIMITS = GgufLimits()


class GgufTruncatedError(InputError):
    """The bytes end before the header does; ``needed``: how far into the file the reader
    must see (a reader of a prefix, e.g. of a Hub file, reads more and tries again)."""

    def __init__(self, message: str, needed: int) -> None:
        super().__init__(message)
        self.needed = needed


@dataclass(frozen=True, slots=True)
class SkippedArray:
    """An array too large to decode: its element type and length."""

    element_type: int
    count: int


@dataclass(frozen=True, slots=True)
class FieldType:
    """The GGUF type of one metadata value; for arrays, ``element_type``, ``count`` and
    ``offset`` (where the first element starts in the file)."""

    type: int
    element_type: int | None = None
    count: int = 1
    offset: int = 0

    def describe(self) -> str:
        name = VALUE_TYPE_NAMES.get(self.type, f"type {self.type}")
        if self.element_type is None:
            return name
        element = VALUE_TYPE_NAMES.get(self.element_type, f"type {self.element_type}")
        return f"array of {self.count} {element}"


@dataclass(frozen=True, slots=True)
class GgufHeader:
    """The header and metadata of a GGUF file; ``end`` is where the tensor infos begin."""

    path: Path
    version: int
    byte_order: str  # "<" little-endian, ">" big-endian
    tensor_count: int
    metadata: Mapping[str, Any]
    types: Mapping[str, FieldType]
    end: int
    size: int


class Cursor:
    """A position in the mapped file that refuses to read past its end or its limits."""

    def __init__(self, data: mmap.mmap | bytes, path: Path, limits: GgufLimits = LIMITS) -> None:
        self.data, self.path, self.limits = data, path, limits
        self.size, self.pos = len(data), 0
        self.budget = limits.max_items
        self.set_order("<")

    def set_order(self, order: str) -> None:
        self.order = order
        self.structs = {t: struct.Struct(order + code) for t, code in SCALAR_CODES.items()}

    def fail(self, problem: str) -> NoReturn:
        raise InputError(f"{self.path}: {problem}")

    def need(self, count: int, what: str) -> None:
        left = self.size - self.pos
        if count > left:
            raise GgufTruncatedError(
                f"{self.path}: GGUF file is truncated or corrupt: {what} at byte {self.pos} "
                f"needs {count} bytes, {left} remain", self.pos + count)

    def spend(self, count: int, what: str) -> None:
        self.budget -= count
        if self.budget < 0:
            self.fail(f"{what} takes the metadata past {self.limits.max_items} elements to walk")

    def scalar(self, vtype: int, what: str) -> Any:
        unpacker = self.structs[vtype]
        self.need(unpacker.size, what)
        value = unpacker.unpack_from(self.data, self.pos)[0]
        self.pos += unpacker.size
        return value

    def u32(self, what: str) -> int:
        value: int = self.scalar(UINT32, what)
        return value

    def u64(self, what: str) -> int:
        value: int = self.scalar(_UINT64, what)
        return value

    def string(self, what: str, limit: int) -> str:
        size = self.u64(f"length of {what}")
        self.need(size, what)
        if size > limit:
            self.fail(f"{what} at byte {self.pos} is {size} bytes long (the limit is {limit})")
        raw = self.data[self.pos:self.pos + size]
        self.pos += size
        return raw.decode("utf-8", errors="replace")

    def skip_strings(self, count: int, what: str) -> None:
        data, pos, end = self.data, self.pos, self.size
        unpack = self.structs[_UINT64].unpack_from
        for index in range(count):
            if pos + 8 > end or (pos := pos + 8 + unpack(data, pos)[0]) > end:
                raise GgufTruncatedError(
                    f"{self.path}: GGUF file is truncated or corrupt: string {index} of {what} "
                    f"runs past the end of the file ({end} bytes)", max(pos, end + 8))
        self.pos = pos

    def value(self, vtype: int, what: str, depth: int, small: int) -> Any:
        if vtype in self.structs:
            return self.scalar(vtype, what)
        if vtype == STRING:
            return self.string(what, self.limits.max_string_bytes)
        if vtype == ARRAY:
            return self.array(what, depth, small)[0]
        self.fail(f"{what} has unknown GGUF value type {vtype}")

    def array(self, what: str, depth: int, small: int) -> tuple[Any, FieldType]:
        """An array's value (a list, or a :class:`SkippedArray` when longer than ``small``)."""
        if depth >= self.limits.max_nesting:
            self.fail(f"{what} nests arrays deeper than {self.limits.max_nesting} levels")
        etype = self.u32(f"element type of {what}")
        if etype not in self.structs and etype not in (STRING, ARRAY):
            self.fail(f"{what} is an array of unknown GGUF value type {etype}")
        count = self.u64(f"length of {what}")
        least = SCALAR_SIZES.get(etype, 8 if etype == STRING else 12)
        self.need(count * least, f"array of {count} {VALUE_TYPE_NAMES[etype]} in {what}")
        kind = FieldType(ARRAY, etype, count, self.pos)
        if count <= small:
            self.spend(count, what)
            return [self.value(etype, what, depth + 1, small) for _ in range(count)], kind
        if etype in SCALAR_SIZES:
            self.pos += count * least
        elif etype == STRING:
            self.spend(count, what)
            self.skip_strings(count, what)
        else:
            self.spend(count, what)
            for _ in range(count):
                self.array(what, depth + 1, 0)
        return SkippedArray(etype, count), kind


def map_gguf(path: str | Path, parse: Callable[[Cursor], _T]) -> _T:
    """``parse`` run on a cursor over the memory-mapped file; unreadable files are InputError."""
    p = Path(path)
    try:
        with p.open("rb") as handle:
            if not _size(handle):
                raise InputError(f"{p} is not a GGUF file (it is empty)")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return parse(Cursor(data, p))
    except (OSError, ValueError) as exc:  # ValueError: mmap of a special file
        raise InputError(f"cannot read GGUF file {p}: {exc}") from exc


def _size(handle: Any) -> int:
    handle.seek(0, 2)
    size: int = handle.tell()
    handle.seek(0)
    return size


def parse_header(cur: Cursor, small: int = SMALL_ARRAY) -> GgufHeader:
    """Magic, version, counts and every key/value pair; leaves ``cur`` at the tensor infos."""
    magic = bytes(cur.data[:4])
    if magic != b"GGUF":
        raise InputError(f"{cur.path} is not a GGUF file (bad magic {magic!r})")
    cur.pos = 4
    version = cur.u32("version")
    if version and not version & 0xFFFF:  # written big-endian
        cur.set_order(">")
        version = struct.unpack_from(">I", cur.data, 4)[0]
    if version not in (2, 3):
        cur.fail(f"unsupported GGUF version {version} (versions 2 and 3 are read)")
    tensor_count, kv_count = cur.u64("tensor count"), cur.u64("metadata key count")
    if kv_count > cur.limits.max_kv:
        cur.fail(f"GGUF header claims {kv_count} metadata keys (the limit is {cur.limits.max_kv})")
    if tensor_count > cur.limits.max_tensors:
        cur.fail(f"GGUF header claims {tensor_count} tensors "
                 f"(the limit is {cur.limits.max_tensors})")
    cur.need(kv_count * 13, f"{kv_count} metadata keys")  # 8 (length) + 4 (type) + 1 at least
    metadata: dict[str, Any] = {}
    types: dict[str, FieldType] = {}
    for index in range(kv_count):
        key = cur.string(f"metadata key {index}", cur.limits.max_key_bytes)
        if key in metadata:
            cur.fail(f"metadata key {key!r} appears twice")
        vtype = cur.u32(f"value type of {key!r}")
        if vtype == ARRAY:
            metadata[key], types[key] = cur.array(f"value of {key!r}", 0, small)
        else:
            metadata[key] = cur.value(vtype, f"value of {key!r}", 0, small)
            types[key] = FieldType(vtype)
    cur.need(tensor_count * 32, f"{tensor_count} tensor infos")  # 32 bytes each at least
    return GgufHeader(cur.path, version, cur.order, tensor_count, metadata, types, cur.pos,
                      cur.size)


def read_gguf_header(path: str | Path, small_array: int = SMALL_ARRAY) -> GgufHeader:
    """The header and metadata of a GGUF file (arrays longer than ``small_array`` skipped)."""
    return map_gguf(path, lambda cur: parse_header(cur, small_array))


def read_gguf_metadata(path: str | Path, small_array: int = SMALL_ARRAY) -> dict[str, Any]:
    """The key/value metadata of a GGUF file; arrays longer than ``small_array`` stand as
    :class:`SkippedArray`."""
    return dict(read_gguf_header(path, small_array).metadata)
