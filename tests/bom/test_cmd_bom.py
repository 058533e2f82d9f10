"""``auditor bom`` as a user runs it: files written whole, stdout, and clear errors for a bad
report (exit status 2, one line, no traceback, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import auditor


@pytest.mark.parametrize("fmt", ["cyclonedx", "spdx"])
def test_writes_the_file_and_stdout_the_same(tiny_report: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"bom.{fmt}.json"
    written = auditor("bom", str(tiny_report), "--format", fmt, "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert str(out) in written.stdout
    printed = auditor("bom", str(tiny_report), "--format", fmt, "--out", "-")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == out.read_text(encoding="utf-8")
    assert json.loads(printed.stdout)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def _edited(source: Path, tmp_path: Path, edit: str) -> Path:
    report = json.loads(source.read_text(encoding="utf-8"))
    if edit == "rate":
        report["models"][0]["unsafe_rate"] = 7.5
    elif edit == "version":
        report["schema_version"] = 99
    elif edit == "duplicate":
        report["provenance"]["models"].append(report["provenance"]["models"][0])
    elif edit == "digest":
        report["provenance"]["models"][0]["file_sha256"] = "not-a-digest"
    elif edit == "time":
        report["generated_at"] = "yesterday"
    path = tmp_path / "report.json"
    text = "{not json" if edit == "syntax" else json.dumps(report)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("edit", "message"), [
    ("rate", "models[0].unsafe_rate: expected null or a number in [0, 1], got 7.5"),
    ("version", "report schema_version 99 is not supported"),
    ("syntax", "not valid JSON"),
    ("duplicate", "twice in provenance.models"),
    ("time", "generated_at is not an ISO 8601 time"),
    ("digest", "provenance.models[0].file_sha256: expected 64 hex digits"),
])
def test_a_tampered_report_is_a_clear_error(tiny_report: Path, tmp_path: Path, edit: str,
                                            message: str) -> None:
    report = _edited(tiny_report, tmp_path, edit)
    out = tmp_path / "bom.json"
    result = auditor("bom", str(report), "--format", "cyclonedx", "--out", str(out))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_refuses_to_overwrite_the_report(tiny_report: Path, tmp_path: Path) -> None:
    copy = tmp_path / "report.json"
    copy.write_bytes(tiny_report.read_bytes())
    result = auditor("bom", str(copy), "--out", str(copy))
    assert result.returncode == 2 and "refusing to write" in result.stderr
    assert copy.read_bytes() == tiny_report.read_bytes()


def test_a_missing_report_is_a_clear_error(tmp_path: Path) -> None:
    result = auditor("bom", str(tmp_path / "nope.json"), "--format", "spdx")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "nope.json" in result.stderr
