"""Conditions on a call's arguments: one operator on the values at an argument path.

A path is dot-separated keys with optional list steps: ``to``, ``payment.amount``,
``recipients[*]`` (any element), ``waypoints[0].speed``. A path that does not exist is false;
a path reaching several values is true when any of them satisfies the operator.

Operators: ``equals`` (strings compared without case), ``contains`` (substring of a string,
without case, or an element of a list), ``regex`` (searched without case; patterns checked by
:mod:`auditor.actions._regex`), and the numeric bounds ``gt``, ``gte``, ``lt``, ``lte`` (a
number, or a string holding one, as models often write them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from auditor.actions._regex import compile_safe, search

OPERATORS = ("equals", "contains", "regex", "gt", "gte", "lt", "lte")
NUMERIC = ("gt", "gte", "lt", "lte")
_STEP = re.compile(r"^([A-Za-z0-9_-]+)((?:\[(?:\*|\d{1,4})\])*)$")
_INDEX = re.compile(r"\[(\*|\d{1,4})\]")
MAX_PATH_STEPS = 8


@dataclass(frozen=True, slots=True)
class ArgCondition:
    """``path`` ``operator`` ``value``; ``describe()`` is how evidence names it."""

    path: str
    operator: str
    value: Any
    steps: tuple[str | int | None, ...]  # keys, list indexes, None for [*]
    pattern: re.Pattern[str] | None = None

    def holds(self, arguments: dict[str, Any]) -> bool:
        return any(self._test(v) for v in _resolve(arguments, self.steps))

    def describe(self) -> str:
        return f"{self.path} {self.operator} {self.value!r}"

    def _test(self, actual: Any) -> bool:
        op = self.operator
        if op == "equals":
            return _equal(actual, self.value)
        if op == "contains":
            if isinstance(actual, list):
                return any(_equal(a, self.value) for a in actual)
            return isinstance(actual, str) and str(self.value).lower() in actual.lower()
        if op == "regex":
            assert self.pattern is not None
            return isinstance(actual, str | int | float) and search(self.pattern, str(actual))
        number = _number(actual)
        if number is None:
            return False
        bound = float(self.value)
        return {"gt": number > bound, "gte": number >= bound,
                "lt": number < bound, "lte": number <= bound}[op]


def make_condition(raw: dict[str, Any]) -> ArgCondition:
    """An argument condition from ``{"path": ..., "<operator>": value}``; ``ValueError``."""
    path = raw.get("path")
    if not isinstance(path, str):
        raise ValueError("an argument condition needs a string 'path', e.g. \"to\" or "
                         "\"recipients[*]\"")
    ops = [k for k in raw if k != "path"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise ValueError(f"condition on {path!r} needs exactly one operator of "
                         f"{list(OPERATORS)}, got {sorted(ops)}")
    op, value = ops[0], raw[ops[0]]
    pattern = None
    if op in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value
        ):
            raise ValueError(f"{op} on {path!r} needs a finite number, got {value!r}")
    elif op == "regex":
        if not isinstance(value, str):
            raise ValueError(f"regex on {path!r} must be a string")
        pattern = compile_safe(value)
    elif not isinstance(value, str | int | float | bool) or value == "":
        raise ValueError(f"{op} on {path!r} needs a non-empty string, number or boolean")
    return ArgCondition(path, op, value, parse_path(path), pattern)


def parse_path(path: str) -> tuple[str | int | None, ...]:
    """``a.b[*][0]`` as ``("a", "b", None, 0)``; ``ValueError`` for a malformed path."""
    parts = path.split(".")
    if not path or len(parts) > MAX_PATH_STEPS:
        raise ValueError(f"path {path!r} must be 1-{MAX_PATH_STEPS} dot-separated keys")
    steps: list[str | int | None] = []
    for part in parts:
        match = _STEP.match(part)
        if match is None:
            raise ValueError(f"path {path!r}: {part!r} is not a key optionally followed by "
                             "[*] or [N]")
        steps.append(match.group(1))
        for index in _INDEX.findall(match.group(2)):
            steps.append(None if index == "*" else int(index))
    return tuple(steps)


def _resolve(value: Any, steps: tuple[str | int | None, ...]) -> Iterator[Any]:
    if not steps:
        yield value
        return
    step, rest = steps[0], steps[1:]
    if isinstance(step, str):
        if isinstance(value, dict) and step in value:
            yield from _resolve(value[step], rest)
    elif isinstance(value, list):
        if step is None:
            for element in value:
                yield from _resolve(element, rest)
        elif step < len(value):
            yield from _resolve(value[step], rest)


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        return actual.strip().lower() == expected.strip().lower()
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    number = _number(actual)
    if isinstance(expected, int | float) and number is not None:
        return number == float(expected)
    return bool(actual == expected)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "").replace("_", ""))
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None
