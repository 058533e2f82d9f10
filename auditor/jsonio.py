"""The one JSON serialiser for records (reports, statistics, doctor and scan summaries, store
exports, judged tables, lineage graphs).

The rule for non-finite numbers is the report schema's: files are strict JSON (RFC 8259), so
``NaN``, ``Infinity`` and ``-Infinity`` are never written. A non-finite float in a record is an
undefined value (a kappa of a constant column, a rate of zero items) and is written as
``null``, the schema's "unknown". A record that must never hold one (the report, whose
unknowns are already ``None``) passes ``non_finite=SomeError`` and gets that error instead.

Records become plain JSON values the same way everywhere: dataclasses as objects in field
order, mappings with their keys as text, tuples and lists as lists, numpy scalars as Python
numbers. ``ensure_ascii`` and ``indent`` stay the caller's choice: outputs rely on them.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Mapping
from typing import Any

NonFinite = type[Exception] | None
"""``None``: a non-finite float becomes ``null``; an exception class: it is raised."""


def to_jsonable(value: Any, *, non_finite: NonFinite = None) -> Any:
    """``value`` as plain JSON values (see the module docstring for the non-finite rule)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name), non_finite=non_finite)
                for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, non_finite=non_finite) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v, non_finite=non_finite) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        if non_finite is None:
            return None
        raise non_finite(f"a non-finite number ({value}) cannot be written as JSON; "
                         "use null for unknown")
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return to_jsonable(value.item(), non_finite=non_finite)
    return value


def dumps(
    value: Any,
    *,
    indent: int | None = None,
    ensure_ascii: bool = False,
    sort_keys: bool = False,
    non_finite: NonFinite = None,
    default: Callable[[Any], Any] | None = None,
) -> str:
    """Strict JSON text of ``value`` (never ``NaN``/``Infinity``); ``default`` turns values
    JSON has no type for into one (e.g. ``str``), as in :func:`json.dumps`."""
    return json.dumps(to_jsonable(value, non_finite=non_finite), indent=indent,
                      ensure_ascii=ensure_ascii, sort_keys=sort_keys, allow_nan=False,
                      default=default)


__all__ = ["NonFinite", "dumps", "to_jsonable"]
