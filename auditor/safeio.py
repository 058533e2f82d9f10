"""Bounded reading of untrusted files: the one way to read a model folder, a suite or a config.

Model folders, suite files and configs come from strangers (a Hub snapshot, a download, a
colleague's share), so every read here guards against what a hostile or broken file can do:

- **Block forever**: a FIFO (or a socket, or a device such as a tape) opened for reading waits
  for a writer. Files are opened with ``O_NONBLOCK`` and anything that is not a regular file
  is refused before a byte is read (``os.fstat`` of the opened descriptor, so a symlink swapped
  in between a check and the open cannot slip through).
- **Exhaust memory**: a symlink to ``/dev/zero`` never ends; a 40 GB "config.json" does. Each
  kind of file has a size cap (:class:`FileKind`), checked before reading and again while
  reading (the file may grow), and the error names the cap.
- **Traceback instead of a message**: bytes that are not UTF-8, NUL bytes (a binary file where
  text belongs), nesting deep enough to hit Python's recursion limit (``[[[[...``), integers
  over Python's 4,300-digit conversion limit, YAML aliases that refer to themselves or expand
  exponentially ("billion laughs"), YAML tags with values the constructors reject
  (``2001-02-30``), and paths too long for the OS or holding NUL. Each becomes one
  :class:`~auditor.errors.InputError` (or the caller's own :class:`AuditorError` subclass)
  naming the file and what is wrong.

JSON and YAML values come back as plain ``dict``/``list``/scalars whose depth and node count
are bounded, so code walking them afterwards cannot recurse too deep either. YAML is only ever
loaded with ``yaml.safe_load`` semantics (the C loader when PyYAML has it).
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError, InputError

KiB = 1 << 10
MiB = 1 << 20
GiB = 1 << 30
_CHUNK = 1 * MiB
MAX_DEPTH = 64  # nesting of JSON/YAML values: real configs and suites stay under 10
MAX_INT_DIGITS = 4300  # Python's default limit for str -> int, enforced here on our own
MAX_NODES = 5_000_000  # containers and scalars in one JSON/YAML value, aliases expanded


@dataclass(frozen=True, slots=True)
class FileKind:
    """What a file is (for messages) and the most bytes this tool reads from one."""

    label: str
    cap: int


# Caps: several times the largest real file of each kind seen on the Hub, far below memory.
CARD = FileKind("model card (README.md)", 16 * MiB)
FRONT_MATTER = FileKind("model card front matter", 1 * MiB)
MODEL_CONFIG = FileKind("model config", 16 * MiB)  # config.json, adapter_config.json
TOKENIZER_CONFIG = FileKind("tokenizer config", 64 * MiB)  # tokenizer_config.json, templates
MERGE_CONFIG = FileKind("mergekit config", 4 * MiB)
SUITE = FileKind("suite file", 512 * MiB)  # JSONL/CSV/JSON suites, Hub dataset files
SUITE_PARQUET = FileKind("Parquet suite file", 1 * GiB)
SETTINGS = FileKind("config file", 4 * MiB)  # TOML configs, lineage graphs given back to us
LINEAGE_GRAPH = FileKind("lineage graph", 256 * MiB)


def human_size(n: int) -> str:
    """``16 MiB``, ``512 KiB``, ``12 bytes``."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def _node_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def _open_error(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return f"{path}: no such file"
    if exc.errno == errno.ENAMETOOLONG:
        return f"{_short(path)}: the path is too long for this system ({len(str(path))} characters)"
    if exc.errno == errno.ELOOP:
        return f"{path}: too many levels of symbolic links"
    if exc.errno in (errno.EISDIR,):
        return f"{path} is a folder, not a file"
    return f"{path}: cannot open ({exc.strerror or exc})"


def _short(path: Path | str, limit: int = 200) -> str:
    text = str(path)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def check_path(path: str | Path, *, error: type[AuditorError] = InputError) -> Path:
    """``path`` as a Path, refusing what the OS would choke on (NUL bytes)."""
    text = os.fspath(path)
    if "\0" in text:
        raise error(f"{_short(repr(text))}: a path cannot contain a NUL byte")
    return Path(text)


def path_exists(path: str | Path) -> bool:
    """``Path.exists`` that answers False (never raises) for paths the OS cannot look up:
    too long, NUL bytes, permission denied on a parent, an unknown ``~user``."""
    try:
        return Path(path).exists()
    except (OSError, ValueError, RuntimeError):
        return False


def read_bytes(
    path: str | Path,
    kind: FileKind,
    *,
    error: type[AuditorError] = InputError,
    truncate: bool = False,
) -> bytes:
    """The bytes of a regular file, at most ``kind.cap`` of them.

    A FIFO, socket, device or folder is refused without blocking; a file over the cap is an
    error naming the cap, or with ``truncate`` its first ``kind.cap`` bytes are returned (for
    files where only the head matters, such as a card's front matter).
    """
    p = check_path(path, error=error)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if not hasattr(os, "O_NONBLOCK"):  # no O_NONBLOCK (Windows): look before opening
        try:
            mode = os.stat(p).st_mode
        except OSError as exc:
            raise error(_open_error(p, exc)) from None
        if not stat.S_ISREG(mode):
            raise error(f"{p} is {_node_type(mode)}, not a regular file; refusing to read it")
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise error(_open_error(p, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(
                f"{p} is {_node_type(info.st_mode)}, not a regular file; refusing to read it"
            )
        if info.st_size > kind.cap and not truncate:
            raise error(_too_big(p, kind, info.st_size))
        chunks: list[bytes] = []
        total = 0
        while total <= kind.cap:
            try:
                chunk = os.read(fd, min(_CHUNK, kind.cap + 1 - total))
            except OSError as exc:
                raise error(f"{p}: cannot read ({exc.strerror or exc})") from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > kind.cap:
        if not truncate:
            raise error(_too_big(p, kind, None))
        data = data[: kind.cap]
    return data


def _too_big(path: Path, kind: FileKind, size: int | None) -> str:
    what = f"{human_size(size)}" if size is not None else "growing past the cap"
    return (f"{path}: {kind.label} is {what}, over the {human_size(kind.cap)} cap for this "
            "kind of file")


def decode_text(
    data: bytes, path: str | Path, *, error: type[AuditorError] = InputError, partial: bool = False
) -> str:
    """UTF-8 text (a BOM is dropped); non-UTF-8 bytes and NUL bytes are clear errors.

    ``partial``: ``data`` is the head of a longer file, so a character cut at its end is
    dropped rather than reported.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(data, final=not partial)
    except UnicodeDecodeError as exc:
        raise error(
            f"{path}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); re-save it as UTF-8"
        ) from None
    nul = text.find("\0")
    if nul >= 0:
        raise error(f"{path}: holds a NUL byte (character {nul}); is it a binary file?")
    return text


def read_text(
    path: str | Path,
    kind: FileKind,
    *,
    error: type[AuditorError] = InputError,
    truncate: bool = False,
) -> str:
    """A regular file's UTF-8 text, bounded by ``kind.cap`` (see :func:`read_bytes`)."""
    data = read_bytes(path, kind, error=error, truncate=truncate)
    return decode_text(data, path, error=error, partial=truncate and len(data) == kind.cap)


def parse_json(
    text: str | bytes,
    where: str | Path,
    *,
    error: type[AuditorError] = InputError,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """``json.loads`` that turns every way untrusted JSON fails into one clear error: syntax,
    recursion depth, integers over Python's digit limit, and nesting over ``max_depth``."""
    try:
        value = json.loads(text, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise error(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno} column "
                    f"{exc.colno})") from None
    except RecursionError:
        raise error(f"{where}: JSON nested too deeply (over {max_depth} levels)") from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise error(f"{where}: not usable JSON ({_first_line(exc)})") from None
    check_shape(value, where, error=error, max_depth=max_depth)
    return value


def _bounded_int(digits: str) -> int:
    """An integer of at most ``MAX_INT_DIGITS`` digits, whatever the interpreter's own limit
    (a program embedding the auditor may have lifted ``sys.set_int_max_str_digits``)."""
    if len(digits) - digits.startswith("-") > MAX_INT_DIGITS:
        raise ValueError(f"Exceeds the limit ({MAX_INT_DIGITS} digits) for integer string "
                         "conversion")
    return int(digits)


def parse_yaml(
    text: str,
    where: str | Path,
    *,
    error: type[AuditorError] = InputError,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """``yaml.safe_load`` (never the full loader) with the same guarantees as
    :func:`parse_json`, and aliases that nest in themselves or expand past ``MAX_NODES``
    refused."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        value = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, chosen above
    except yaml.YAMLError as exc:
        raise error(f"{where}: not valid YAML ({_first_line(exc)})") from None
    except RecursionError:
        raise error(f"{where}: YAML nested too deeply (over {max_depth} levels)") from None
    except (ValueError, OverflowError, TypeError) as exc:  # int digits, bad dates, ...
        raise error(f"{where}: not usable YAML ({_first_line(exc)})") from None
    check_shape(value, where, error=error, max_depth=max_depth)
    return value


def check_shape(
    value: Any,
    where: str | Path,
    *,
    error: type[AuditorError] = InputError,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = MAX_NODES,
) -> None:
    """Refuse a parsed value nested deeper than ``max_depth``, holding itself (a YAML alias
    cycle), or of more than ``max_nodes`` values once shared parts are counted each time they
    appear. Iterative, and linear in the number of distinct containers."""
    expanded: dict[int, int] = {}  # id(container) -> node count with aliases expanded
    on_path: set[int] = set()
    # (container, depth, children left to visit); a post-order walk without recursion
    stack: list[tuple[Any, int, list[Any]]] = []

    def children(node: Any) -> list[Any] | None:
        if isinstance(node, dict):
            return [*node.keys(), *node.values()]
        if isinstance(node, list | tuple | set | frozenset):
            return list(node)
        return None

    def enter(node: Any, depth: int) -> None:
        if depth > max_depth:
            raise error(f"{where}: nested deeper than {max_depth} levels")
        if id(node) in on_path:
            raise error(f"{where}: a value contains itself (a recursive YAML alias)")
        on_path.add(id(node))
        stack.append((node, depth, children(node) or []))

    if children(value) is None:
        return
    enter(value, 1)
    while stack:
        node, depth, todo = stack[-1]
        if todo:
            child = todo.pop()
            if children(child) is None or id(child) in expanded:
                continue
            enter(child, depth + 1)
            continue
        stack.pop()
        on_path.discard(id(node))
        kids = children(node) or []
        total = 1 + sum(expanded.get(id(k), 1) for k in kids)
        if total > max_nodes:
            raise error(f"{where}: over {max_nodes:,} values once YAML aliases are expanded")
        expanded[id(node)] = total


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


def load_json_file(
    path: str | Path, kind: FileKind, *, error: type[AuditorError] = InputError
) -> Any:
    """A JSON file read with :func:`read_text` and parsed with :func:`parse_json`."""
    return parse_json(read_text(path, kind, error=error), path, error=error)


def load_yaml_file(
    path: str | Path, kind: FileKind, *, error: type[AuditorError] = InputError
) -> Any:
    """A YAML file read with :func:`read_text` and parsed with :func:`parse_yaml`."""
    return parse_yaml(read_text(path, kind, error=error), path, error=error)


__all__ = [
    "CARD",
    "FRONT_MATTER",
    "LINEAGE_GRAPH",
    "MAX_DEPTH",
    "MERGE_CONFIG",
    "MODEL_CONFIG",
    "SETTINGS",
    "SUITE",
    "SUITE_PARQUET",
    "TOKENIZER_CONFIG",
    "FileKind",
    "check_path",
    "check_shape",
    "decode_text",
    "human_size",
    "load_json_file",
    "load_yaml_file",
    "parse_json",
    "parse_yaml",
    "path_exists",
    "read_bytes",
    "read_text",
]
