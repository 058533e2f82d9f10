"""The JSON twin is the report model serialised: round trip, contract fields, version check."""

from __future__ import annotations

import json

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
    assert data["schema_version"] == SCHEMA_VERSION == 1
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
