"""The JSON twin is the report model serialised: round trip, contract fields, version check."""

from __future__ import annotations

import json
import os

import pytest

from auditor.errors import ReportError
from reports import SCHEMA_VERSION, from_json, load_report, to_json
from tests.reports._sample import sample_report


def test_round_trip_is_lossless() -> None:
    report = sample_report(payload='"><script>alert(1)</script>')
    text = to_json(report)
    again = from_json(text)
    assert again == report
    assert to_json(again) == text


def test_contract_fields_are_present() -> None:
    data = json.loads(to_json(sample_report()))
    assert data["schema_version"] == SCHEMA_VERSION == 2
    assert data["root"] == "google/gemma-3-270m-it"
    assert "provenance" in data and data["provenance"]["models"]
    required = {
        "id",
        "relation",
        "verdict",
        "unsafe_rate",
        "parent_unsafe_rate",
        "difference",
        "ci",
        "p_value",
        "p_adjusted",
    }
    for d in data["derivatives"]:
        assert required <= d.keys()
        assert d["verdict"] in {"degraded", "not_degraded", "inconclusive"}
        assert isinstance(d["ci"], list) and len(d["ci"]) == 2


def test_unknown_schema_version_is_rejected_clearly(tmp_path) -> None:
    data = json.loads(to_json(sample_report()))
    data["schema_version"] = 99
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReportError, match="schema_version 99 is not supported"):
        load_report(path)
    del data["schema_version"]
    with pytest.raises(ReportError, match="schema_version null is not supported"):
        from_json(json.dumps(data))
    data["schema_version"] = True  # equal to 1 in Python, but not the integer 1
    with pytest.raises(ReportError, match="schema_version true is not supported"):
        from_json(json.dumps(data))


def test_malformed_fields_name_their_place() -> None:
    data = json.loads(to_json(sample_report()))
    data["derivatives"][1]["verdict"] = "fine"
    with pytest.raises(ReportError) as err:
        from_json(json.dumps(data))
    assert str(err.value) == (
        'report JSON: derivatives[1].verdict: expected one of "degraded", "not_degraded", '
        '"inconclusive", got "fine"'
    )
    data = json.loads(to_json(sample_report()))
    del data["headline"]["n_audited"]
    with pytest.raises(ReportError, match=r"headline\.n_audited: missing; expected an integer"):
        from_json(json.dumps(data))
    with pytest.raises(ReportError, match=r"^report JSON: not valid JSON \(EOF while parsing"):
        from_json("{")


def test_unknown_fields_are_ignored_for_additive_extensions() -> None:
    data = json.loads(to_json(sample_report()))
    data["derivatives"][0]["future_field"] = 1
    assert from_json(json.dumps(data)) == sample_report()


def test_non_finite_numbers_are_refused() -> None:
    import dataclasses

    report = sample_report()
    bad = dataclasses.replace(report.derivatives[0], difference=float("nan"))
    report = dataclasses.replace(report, derivatives=(bad,))
    with pytest.raises(ReportError, match="non-finite"):
        to_json(report)


def test_a_committed_v1_file_still_loads_and_renders() -> None:
    """Guards the on-disk format: a schema change must bump the version, not break this."""
    from pathlib import Path

    from reports import render_html

    report = load_report(Path(__file__).parent / "data" / "report-v1.json")
    assert report.schema_version == 1 and len(report.derivatives) == 5
    assert "&lt;b&gt;x&lt;/b&gt;" in render_html(report)


def _edited(tmp_path, edit) -> str:  # type: ignore[no-untyped-def]
    data = json.loads(to_json(sample_report()))
    edit(data)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data, allow_nan=True))
    return str(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["derivatives"][2].update(unsafe_rate="x"),
            'derivatives[2].unsafe_rate: expected null or a number in [0, 1], got "x"',
        ),
        (
            lambda d: d["derivatives"][0].update(unsafe_rate=7.5),
            "derivatives[0].unsafe_rate: expected null or a number in [0, 1], got 7.5",
        ),
        (
            lambda d: d["methods"].update(alpha=float("nan")),
            "methods.alpha: expected a number in [0, 1], got NaN",
        ),
        (
            lambda d: d["derivatives"][1].update(ci=[float("-inf"), 0.1]),
            "derivatives[1].ci[0]: expected a number in [-1, 1], got -Infinity",
        ),
        (
            lambda d: d["derivatives"][0].update(n=-5),
            "derivatives[0].n: expected an integer \u2265 0, got -5",
        ),
        (
            lambda d: d["headline"].update(n_audited=10**30),
            "headline.n_audited: expected an integer \u2265 0, got 100000000000\u2026 (31 digits)",
        ),
        (
            lambda d: d["derivatives"][0].update(b=True),
            "derivatives[0].b: expected an integer \u2265 0, got true",
        ),
        (
            lambda d: d["headline"].update(n_audited=3.0),
            "headline.n_audited: expected an integer \u2265 0, got 3.0",
        ),
        (
            lambda d: d["derivatives"][0].update(ci=[0.1, 0.2, 0.3]),
            "derivatives[0].ci: expected null or a list of 2 items, each a number in [-1, 1], "
            "got a list of 3 items",
        ),
        (lambda d: d.update(headline=None), "headline: expected an object, got null"),
        (lambda d: d.pop("root"), "root: missing; expected a string"),
    ],
)
def test_a_bad_field_is_named_with_its_file_and_json_path(edit, message, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _edited(tmp_path, edit)
    with pytest.raises(ReportError) as err:
        load_report(path)
    assert str(err.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[" * 300 + b"]" * 300, "not valid JSON (recursion limit exceeded at line 1 column 202)"),
        (b'{"schema_version": 1' + b"0" * 5000 + b"}", "not valid JSON (number out of range"),
        (b'{"schema_version": 1, "root": "\xe9"}', "not UTF-8 text (invalid byte 0xe9 at offset"),
        (b'{"schema_version": 1, "root": "\\ud800"}', "not valid JSON ("),
        (b'{"schema_version": 1, "root": "a\x00"}', "holds a NUL byte (character 32)"),
        (b'{"schema_version": 1, "root": "a\x01"}', "not valid JSON (control character"),
        (b"[1]", "(top level): expected an object, got a list of 1 item"),
    ],
)
def test_unreadable_json_is_one_report_error(raw: bytes, message: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "report.json"
    path.write_bytes(raw)
    with pytest.raises(ReportError) as err:
        load_report(path)
    assert str(err.value).startswith(f"{path}: {message}")


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from reports._validate import REPORT

    path = tmp_path / "report.json"
    with path.open("wb") as fh:
        fh.truncate(REPORT.cap + 1)  # sparse: no disk used
    with pytest.raises(ReportError, match=r"report JSON is 64\.0 MiB, over the 64 MiB cap"):
        load_report(path)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # would block a plain open() forever
    with pytest.raises(ReportError, match=r"FIFO"):
        load_report(fifo)
