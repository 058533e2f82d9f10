"""The one JSON serialiser: strict JSON always, non-finite numbers as null (or the caller's
error), records as plain values, the caller's ensure_ascii/indent kept."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pytest

from auditor.errors import ReportError
from auditor.jsonio import dumps, to_jsonable


@dataclass(frozen=True, slots=True)
class _Result:
    name: str
    pvalue: float
    ci: tuple[float, float]
    counts: dict[int, int]


def _strict(text: str) -> object:
    """Parse refusing NaN/Infinity tokens, as a strict JSON reader does."""
    def refuse(token: str) -> object:
        raise ValueError(f"non-standard token {token}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_non_finite_becomes_null(bad: float) -> None:
    text = dumps(_Result("kappa", bad, (bad, 0.5), {1: 2}))
    assert _strict(text) == {"name": "kappa", "pvalue": None, "ci": [None, 0.5],
                             "counts": {"1": 2}}


def test_non_finite_raises_the_callers_error_when_asked() -> None:
    with pytest.raises(ReportError, match=r"non-finite number \(nan\).*null for unknown"):
        dumps({"deep": [{"rate": math.nan}]}, non_finite=ReportError)
    with pytest.raises(ReportError, match="inf"):
        to_jsonable((1.0, -math.inf), non_finite=ReportError)
    assert dumps({"rate": 0.25}, non_finite=ReportError) == '{"rate": 0.25}'


def test_plain_values_and_numpy_scalars() -> None:
    value = to_jsonable({"n": np.int64(3), "p": np.float32(0.5), "ok": True, "none": None})
    assert value == {"n": 3, "p": 0.5, "ok": True, "none": None}
    assert type(value["n"]) is int and type(value["ok"]) is bool


def test_ascii_and_indent_are_the_callers() -> None:
    record = {"text": "é\u202e", "n": [1]}
    assert dumps(record) == '{"text": "é\u202e", "n": [1]}'
    assert dumps(record, ensure_ascii=True) == '{"text": "\\u00e9\\u202e", "n": [1]}'
    assert dumps(record, indent=2) == json.dumps(record, indent=2, ensure_ascii=False)


def test_values_json_has_no_type_for() -> None:
    with pytest.raises(TypeError):
        dumps({"when": object()})
    assert dumps({"when": b"x"}, default=lambda v: "bytes") == '{"when": "bytes"}'
