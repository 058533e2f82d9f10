"""Fuzzing ``auditor report --from-json``: any edit of a valid report.json is either refused
with one :class:`ReportError` line or rendered as a valid report, never a traceback.

The mutations are those a review found tracebacks with (wrong types, deleted keys, NaN and
Infinity, huge integers, deep nesting, control characters and lone surrogates, bytes that are
not UTF-8), applied to a real report's JSON and run through ``load_report`` + ``write_report``,
the library calls the command makes. Bounded and derandomized: a few seconds, same examples on
every run. The CLI test checks the last step: exit status 2, one line, no traceback.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from auditor.errors import ReportError
from reports import load_report, to_json, write_report
from tests.reports._sample import sample_report

BASE: dict[str, Any] = json.loads(to_json(sample_report(payload="<b>x</b>")))
Path_ = tuple[str | int, ...]


def _paths(node: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every place in the document: each object member and list item, nested."""
    found: list[Path_] = []
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        found.append((*prefix, key))
        if isinstance(value, dict | list):
            found.extend(_paths(value, (*prefix, key)))
    return found


def _at(doc: Any, path: Path_) -> Any:
    for key in path:
        doc = doc[key]
    return doc


PATHS = _paths(BASE)
STRINGS = [p for p in PATHS if isinstance(_at(BASE, p), str)]
NUMBERS = [p for p in PATHS if type(_at(BASE, p)) in (int, float)]

CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u202e\u200b\ufeff\ud800\udfff"
hostile_text = st.text(
    alphabet=st.one_of(st.sampled_from(CONTROLS), st.characters(), st.sampled_from("<>&\"'")),
    max_size=30,
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63, -(2**63) - 1, 10**30, 10**4000]),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
    st.lists(st.one_of(st.integers(), st.floats(), st.text(max_size=3)), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
mutation = st.one_of(
    st.tuples(st.just("replace"), st.sampled_from(PATHS), junk),
    st.tuples(st.just("delete"), st.sampled_from(PATHS), st.none()),
    st.tuples(st.just("nest"), st.sampled_from(PATHS), st.integers(1, 600)),
    # edits that often leave a valid report, so that rendering is fuzzed too
    st.tuples(st.just("text"), st.sampled_from(STRINGS), hostile_text),
    st.tuples(st.just("text"), st.sampled_from(STRINGS), hostile_text),
    st.tuples(st.just("number"), st.sampled_from(NUMBERS), st.floats(0, 1)),
)
damage = st.sampled_from(["none", "none", "none", "truncate", "latin1", "nul", "bom"])


def _mutate(doc: Any, op: str, path: Path_, arg: Any) -> None:
    try:
        parent, key = _at(doc, path[:-1]), path[-1]
        if op == "delete":
            del parent[key]
        elif op == "nest":
            parent[key] = json.loads("[" * arg + json.dumps(parent[key]) + "]" * arg)
        else:
            parent[key] = arg
    except (KeyError, IndexError, TypeError, RecursionError):
        pass  # an earlier mutation removed or replaced this place


def _damage(raw: bytes, how: str, cut: int) -> bytes:
    if how == "truncate":
        return raw[: cut % max(len(raw), 1)]
    if how == "latin1":
        return raw.replace(b"<b>x</b>", b"<b>\xe9</b>", 1)
    if how == "nul":
        return raw[:cut] + b"\x00" + raw[cut:]
    if how == "bom":
        return b"\xef\xbb\xbf" + raw
    return raw


@settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    mutations=st.lists(mutation, min_size=1, max_size=3),
    how=damage,
    cut=st.integers(0, 60_000),
    ascii_only=st.booleans(),
)
def test_a_mutated_report_is_refused_in_one_line_or_rendered(
    mutations: list[tuple[str, Path_, Any]],
    how: str,
    cut: int,
    ascii_only: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    doc = copy.deepcopy(BASE)
    for op, path, arg in mutations:
        _mutate(doc, op, path, arg)
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(10_000)  # the test writes 10**4000; the reader must refuse it
    try:
        text = json.dumps(doc, allow_nan=True, ensure_ascii=ascii_only)
    finally:
        sys.set_int_max_str_digits(limit)  # never leak a lifted limit into other tests
    raw = _damage(text.encode("utf-8", "surrogatepass"), how, cut)
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "report.json"
    source.write_bytes(raw)
    try:
        report = load_report(source)
    except ReportError as exc:
        event("refused")
        message = str(exc)
        assert message.startswith(f"{source}: ") and "\n" not in message, message
        assert "\x1b" not in message and "\x00" not in message  # safe to print on a terminal
        return
    event("rendered")
    html_path, json_path = write_report(report, folder / "out")
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert load_report(json_path) == report  # what the tool writes, it reads back


def _hostile_files() -> dict[str, bytes]:
    good = to_json(sample_report())
    data = json.loads(good)
    data["derivatives"][0]["unsafe_rate"] = float("nan")
    nan = json.dumps(data, allow_nan=True)
    return {
        "deep": good.replace(
            '"title":', '"x": ' + "[" * 100_000 + "]" * 100_000 + ', "title":'
        ).encode(),
        "nan": nan.encode(),
        "huge-int": re.sub(r'"n_audited": \d+', '"n_audited": 1' + "0" * 5000, good).encode(),
        "latin-1": good.encode().replace(b"Safety", b"S\xe9fety"),
        "surrogate": good.replace('"title": "', '"title": "\\ud800').encode(),
    }


@pytest.mark.parametrize("name", ["deep", "nan", "huge-int", "latin-1", "surrogate"])
def test_cli_refuses_a_hostile_report_with_one_line_and_exit_2(name: str, tmp_path: Path) -> None:
    source = tmp_path / f"{name}.json"
    raw = _hostile_files()[name]
    assert raw != to_json(sample_report()).encode()  # the edit took
    source.write_bytes(raw)
    result = subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", "report"]
        + ["--from-json", str(source), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "60"},  # a narrow terminal must not wrap the line
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {source}: "), result.stderr
    assert not (tmp_path / "out" / "report.html").exists()
