"""Reading JSON that someone may have edited by hand: the one boundary from a file to a record.

``auditor report --from-json`` re-renders a ``report.json`` attached to a filing, and
``--judge-agreement`` reads a small file a person may have typed. Neither is trusted. A review
fed the previous hand-written decoder 25 edited files and got 5 tracebacks (deep nesting, a
5000-digit count, Latin-1 bytes, a lone surrogate) and silently drew others (a rate of 7.5, a
negative count). Here every such file either becomes our frozen dataclasses or raises one error
of the caller's class, in one line that names the file and the JSON path of the bad field::

    report.json: derivatives[2].unsafe_rate: expected null or a number in [0, 1], got "x"

What is refused, and where:

- anything but a regular file, more than the kind's cap (:data:`REPORT`: 64 MiB;
  :data:`AGREEMENT`: 1 MiB), bytes that are not UTF-8 (a leading byte-order mark is
  tolerated) and NUL bytes: the callers read with the project's one bounded reader,
  :func:`auditor.safeio.read_text`, and these kinds;
- invalid JSON, as pydantic's parser (jiter) sees it: nesting deeper than 200 levels, lone
  surrogates, numbers longer than 4300 digits. Python's ``json`` would raise ``RecursionError``
  or ``ValueError`` on the first and last; jiter reports them as errors;
- anything the dataclasses' own type hints do not allow, checked by pydantic in strict mode:
  no ``"3"`` or ``3.0`` or ``true`` for an integer, ``Literal`` fields only take their values,
  and the ``annotated_types`` bounds of :mod:`reports._model` hold (a proportion lies in
  [0, 1]), which also refuses NaN and ±Infinity. The schema is derived from the dataclasses,
  never written out a second time.

Unknown keys are ignored, so a newer writer's additive fields do not break an older reader.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union

from annotated_types import Interval as Bounds

from auditor.errors import AuditorError
from auditor.safeio import FileKind, MiB

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")

# A report with thousands of verbatim responses stays well below its cap.
REPORT = FileKind("report JSON", 64 * MiB)
AGREEMENT = FileKind("judge agreement file", 1 * MiB)
_INT64 = 2**63 - 1
_SHOWN = 60  # characters of an offending value quoted in a message


def validate_json(tp: type[T], text: str, *, source: str, error: type[AuditorError]) -> T:
    """``text`` parsed and validated as ``tp`` (a dataclass); ``source`` prefixes each message."""
    from pydantic import ValidationError

    try:
        return _adapter(tp).validate_json(text, strict=True)  # type: ignore[no-any-return]
    except ValidationError as exc:
        problems = exc.errors(include_url=False)
        message = _describe_error(tp, problems[0])
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise error(f"{source}: {message}{more}") from None


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(tp: type) -> TypeAdapter[Any]:
    """One validator per record type, built on first use (pydantic is imported only here)."""
    if tp not in _ADAPTERS:
        from pydantic import TypeAdapter

        _ADAPTERS[tp] = TypeAdapter(tp)
    return _ADAPTERS[tp]


def _describe_error(root: type[Any], err: Any) -> str:
    kind, loc = err["type"], tuple(err["loc"])
    if kind == "json_invalid":
        reason = str(err.get("ctx", {}).get("error") or err["msg"])
        return f"not valid JSON ({reason})"
    where = json_path(loc)
    expected = _expected(_type_at(root, loc))
    if expected is None:  # a place the walk below does not know: pydantic's own words
        return f"{where}: {str(err['msg']).lower()}, got {shown(err.get('input'))}"
    if kind == "missing":
        return f"{where}: missing; expected {expected}"
    return f"{where}: expected {expected}, got {shown(err['input'])}"


def json_path(loc: tuple[str | int, ...]) -> str:
    """``("derivatives", 2, "ci", 0)`` as ``derivatives[2].ci[0]``; the top level as ``(top)``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "(top level)"


def shown(value: Any) -> str:
    """An offending value, quoted as JSON would write it, short and free of control characters."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, int | float):
        text = str(value)
        return text if len(text) <= 24 else f"{text[:12]}… ({len(text)} digits)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    text = json.dumps(str(value), ensure_ascii=True)  # escapes controls: safe on a terminal
    return text if len(text) <= _SHOWN else f'{text[: _SHOWN - 2]}…"'


def _type_at(tp: Any, loc: tuple[str | int, ...]) -> Any:
    """The declared type at ``loc`` in ``tp``, following dataclass fields and tuple items."""
    for part in loc:
        tp = _strip(_non_null(tp))
        if isinstance(part, str) and dataclasses.is_dataclass(tp):
            tp = _hints(tp).get(part)  # type: ignore[arg-type]
        elif isinstance(part, int) and typing.get_origin(tp) is tuple:
            args = typing.get_args(tp)
            if len(args) == 2 and args[1] is Ellipsis:
                tp = args[0]
            else:
                tp = args[part] if part < len(args) else None
        else:
            return None
        if tp is None:
            return None
    return tp


def _expected(tp: Any) -> str | None:
    """What a value of ``tp`` looks like in JSON, in words."""
    if tp is None:
        return None
    inner = _non_null(tp)
    if inner is not tp:
        text = _expected(inner)
        return None if text is None else f"null or {text}"
    base, bounds = _strip(tp), _bounds(tp)
    if bounds is not None and base in (int, float):
        lo, hi = bounds.ge, bounds.le
        if base is float:
            return f"a number in [{lo:g}, {hi:g}]"
        if hi == _INT64:
            return f"an integer ≥ {lo}" if lo is not None and lo >= 0 else "a 64-bit integer"
        return f"an integer in [{lo}, {hi}]"
    if typing.get_origin(base) is Literal:
        return "one of " + ", ".join(json.dumps(v) for v in typing.get_args(base))
    if typing.get_origin(base) is tuple:
        args = typing.get_args(base)
        if len(args) == 2 and args[1] is Ellipsis:
            each = _expected(args[0])
            return "a list" + (f" of items, each {each}" if each else "")
        each = _expected(args[0]) if len(set(args)) == 1 else None
        return f"a list of {len(args)} items" + (f", each {each}" if each else "")
    if dataclasses.is_dataclass(base):
        return "an object"
    return {float: "a number", int: "an integer", str: "a string", bool: "true or false"}.get(base)


def _non_null(tp: Any) -> Any:
    """``X`` for ``X | None``; ``tp`` itself otherwise."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _strip(tp: Any) -> Any:
    """The base type of ``Annotated[base, ...]``."""
    return typing.get_args(tp)[0] if typing.get_origin(tp) is typing.Annotated else tp


def _bounds(tp: Any) -> Bounds | None:
    if typing.get_origin(tp) is not typing.Annotated:
        return None
    return next((m for m in tp.__metadata__ if isinstance(m, Bounds)), None)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)
