"""JSON serialisation of the report model: the JSON file is the model, field for field.

The decoder is driven by the dataclasses' type hints, so a field added to the model is
serialised and loaded without hand-written ``as_dict`` code. A file whose ``schema_version`` is
not one this version reads is rejected with a clear error.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar, Union

from auditor.errors import ReportError
from reports._model import SCHEMA_VERSION, Report

T = TypeVar("T")

SUPPORTED_VERSIONS = (SCHEMA_VERSION,)


def to_dict(obj: Any) -> Any:
    """The JSON-ready form of a model object: dataclasses as objects, tuples as lists."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        raise ReportError(f"the report holds a non-finite number ({obj}); use null for unknown")
    return obj


def to_json(report: Report, *, indent: int | None = 2) -> str:
    """Serialise a report (UTF-8 text, keys in model order)."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=indent, allow_nan=False)


def from_json(text: str) -> Report:
    """Load a report from its JSON text; rejects unknown schema versions and malformed files."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"report JSON is not valid JSON: {exc}") from exc
    return from_dict(data)


def from_dict(data: Any) -> Report:
    if not isinstance(data, dict):
        raise ReportError("report JSON must be an object")
    version = data.get("schema_version")
    if version not in SUPPORTED_VERSIONS:
        raise ReportError(
            f"report schema_version {version!r} is not supported by this version of auditor "
            f"(it reads {', '.join(map(str, SUPPORTED_VERSIONS))}); upgrade auditor or "
            "regenerate the report with `auditor report`"
        )
    return _decode(Report, data, "report")


def load_report(path: str | Path) -> Report:
    """Read ``report.json`` from disk."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot read report {p}: {exc.strerror or exc}") from exc
    return from_json(text)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None:
            if type(None) in args:
                return None
            raise ReportError(f"{where}: null where a value is required")
        inner = [a for a in args if a is not type(None)]
        return _decode(inner[0], value, where)
    if origin is Literal:
        if value not in typing.get_args(tp):
            allowed = "|".join(map(str, typing.get_args(tp)))
            raise ReportError(f"{where}: {value!r} is not one of {allowed}")
        return value
    if origin is tuple:
        return _decode_tuple(tp, value, where)
    if dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, value, where)
    return _decode_scalar(tp, value, where)


def _decode_tuple(tp: Any, value: Any, where: str) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise ReportError(f"{where}: expected a list, got {type(value).__name__}")
    args = typing.get_args(tp)
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
    if len(args) != len(value):
        raise ReportError(f"{where}: expected {len(args)} items, got {len(value)}")
    pairs = enumerate(zip(args, value, strict=True))
    return tuple(_decode(a, v, f"{where}[{i}]") for i, (a, v) in pairs)


def _decode_dataclass(cls: Any, value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise ReportError(f"{where}: expected an object, got {type(value).__name__}")
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in value:
            kwargs[f.name] = _decode(hints[f.name], value[f.name], f"{where}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ReportError(f"{where}: missing field {f.name!r}")
    return cls(**kwargs)


def _decode_scalar(tp: Any, value: Any, where: str) -> Any:
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ReportError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ReportError(f"{where}: expected an integer, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ReportError(f"{where}: expected a string, got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ReportError(f"{where}: expected true/false, got {value!r}")
        return value
    raise ReportError(f"{where}: unsupported type {tp!r} in the report model")
