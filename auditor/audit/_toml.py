"""Reading a user's TOML file, and turning a validation failure into one line.

Every TOML input (``auditor audit --config``, ``auditor scan``) is read here: a bounded read,
no NUL bytes, UTF-8, then :mod:`tomllib`. Whatever goes wrong (a missing file, a binary file,
an integer of 5,000 digits, arrays nested a thousand deep) becomes one :class:`UsageError`
line naming the file, never a traceback. A pydantic error from the schemas in ``_schema.py``
becomes one line naming the file, the key, what was expected and what was found.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.errors import UsageError
from auditor.names import printable
from auditor.safeio import FileKind, path_exists, read_bytes

# A config is a few hundred bytes; more is the wrong file.
TOML_FILE = FileKind("TOML config file", 1 << 20)

_EXPECTED = {
    "bool_type": "true or false (a TOML boolean, without quotes)",
    "int_type": "a whole number (without quotes)",
    "float_type": "a number (without quotes)",
    "string_type": "a string (in quotes)",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "finite_number": "a finite number",
}
_ONE_OR_MANY = "a string or a list of strings"
# Options that take one string or a list of them (see ``_schema.py``).
_TABLES = {"overrides": "a table of node id = model reference",
           "suite_limits": "a table of suite name = number of items"}
ONE_OR_MANY_FIELDS = frozenset({"local", "suites", "relations", "include", "exclude",
                                "quant_types"})


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed TOML document at ``path``; ``what`` names the file in messages."""
    if not path_exists(path):
        raise UsageError(f"{what} {path} does not exist")
    # The one bounded reader: a FIFO or device is refused without blocking, size capped.
    raw = read_bytes(path, TOML_FILE, error=UsageError)
    if b"\x00" in raw:
        raise UsageError(f"{path} contains a NUL byte at offset {raw.index(0)}: not a TOML file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}") from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4300 digits)
        raise UsageError(f"{path} is not usable TOML: {str(exc).split(';')[0]}") from None
    except RecursionError:
        raise UsageError(f"{path} is not usable TOML: arrays or tables nested too deeply"
                         ) from None


def one_line(exc: ValidationError, source: str, *, known: Iterable[str] = (),
             families: Sequence[str] = ()) -> UsageError:
    """The first problem of ``exc`` as ``SOURCE: [WHERE: ]'KEY' must be X, not Y``.

    ``known`` lists the valid option names, for a "did you mean" on an unknown key;
    ``families`` labels a scan's ``[[family]]`` tables, for WHERE.
    """
    errors = exc.errors(include_url=False)
    first: dict[str, Any] = dict(errors[0])
    loc: tuple[str | int, ...] = tuple(errors[0]["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "family" and isinstance(loc[1], int):
        label = families[loc[1]] if loc[1] < len(families) else ""
        where = f"[[family]] #{loc[1] + 1}" + (f" ({printable(repr(label))})" if label else "")
        first["loc"] = loc[2:]
    prefix = f"{source}: {where + ': ' if where else ''}"
    extra = len(errors) - 1
    more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
    return UsageError(prefix + _describe_error(first, list(known)) + more)


def _describe_error(error: Any, known: list[str]) -> str:
    loc: Sequence[str | int] = error["loc"]
    key = _key(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        table = ("selection" if "selection" in loc[:-1]
                 else "[scan]" if tuple(loc[:1]) == ("scan",) else "audit")
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown {table} option {printable(repr(name))}{hint}"
    if kind == "missing":
        return f"{key!r} is required"
    if kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
        return f"{key!r}: {message}" if key else message
    expected = _expected(kind, error.get("ctx") or {}, loc, str(error["msg"]))
    return f"{key!r} must be {expected}, not {_found(error.get('input'))}"


def _expected(kind: str, ctx: dict[str, Any], loc: Sequence[str | int], msg: str) -> str:
    if kind == "list_type" and loc and loc[-1] in ONE_OR_MANY_FIELDS:
        return _ONE_OR_MANY
    if kind == "dict_type" and loc and loc[-1] in _TABLES:
        return _TABLES[str(loc[-1])]
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    bounds = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">",
              "less_than": "<"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "?")
        return f"a number {bounds[kind]} {limit}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected', '?')}"
    return msg[0].lower() + msg[1:] if msg else "something else"


def _key(loc: Sequence[str | int]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + printable(part))
    return "".join(parts)


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {_short(repr(value))}"
    if isinstance(value, int):
        return f"the number {_short(str(value))}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, _dt.date | _dt.time):
        return f"the date/time {value.isoformat()}"
    return f"a {type(value).__name__}"


def _short(text: str, limit: int = 60) -> str:
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."

