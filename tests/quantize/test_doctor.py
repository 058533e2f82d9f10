"""``auditor doctor`` says whether --quantize can make GGUF variants, and with which converter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.doctor._report import converter_problems
from auditor.quantize import ConverterInfo, converter_status
from tests.cli._run import auditor


def test_present_converter_is_reported_with_its_version(converter: ConverterInfo) -> None:
    status = converter_status()
    assert status.present and status.version == converter.version
    assert status.matches_llama_cpp is True and converter_problems(status) == ()


def test_absent_converter_is_a_warning_with_the_fix(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_LLAMA_CONVERT", str(tmp_path))
    status = converter_status()
    assert not status.present and status.folder == str(tmp_path)
    problem, = converter_problems(status)
    assert problem.severity == "warning" and "--quantize" in problem.message
    assert "install-llama-cpp.sh --convert-only" in problem.fix


def test_doctor_json_carries_the_converter(tmp_path: Path) -> None:
    done = auditor("doctor", "--no-decode", "--json",
                   env={"AUDITOR_LLAMA_CONVERT": str(tmp_path / "none")})
    report = json.loads(done.stdout)
    assert report["converter"]["present"] is False
    assert "not installed" in report["converter"]["reason"]
