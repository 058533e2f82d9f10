"""``auditor audit --judge-agreement FILE`` (TOML ``judge_agreement``): the judge's measured
agreement stated in the audit's report, as ``auditor report --judge-agreement`` does; a file
that measures another judge stops the audit before any model runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.audit import load_config_file
from auditor.errors import UsageError
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder, _overrides
from tests.judges.test_cli_judge import _auditor


def _agreement(path: Path, judge_id: str, dimension: str = "harm") -> Path:
    path.write_text(json.dumps({"dataset": "harmbench-dev", "n": 602, "accuracy": 0.817,
                                "kappa": 0.633, "judge_id": judge_id, "dimension": dimension,
                                "unclear": 0.14}))
    return path


def _judge_id() -> str:
    from auditor.judges import get_judge

    return get_judge("heuristic").judge_id


def test_audit_states_the_measured_agreement(tmp_path: Path, server: ScriptedServer) -> None:
    models = tmp_path / "models"
    base, tuned = _folder(models, "base", None), _folder(models, "ft", "base")
    harm = _agreement(tmp_path / "harm.json", _judge_id())
    overrides = [f"--override={k}={v}" for k, v in
                 _overrides(server, base="refuser", ft="complier")]
    proc = _auditor("audit", "--local", str(base), "--local", str(tuned), "--suite", "harm",
                    "--limit", "4", "--store", str(tmp_path / "a.db"),
                    "--out", str(tmp_path / "r"), "--judge-agreement", str(harm), *overrides)
    assert proc.returncode in (0, 3), proc.stderr
    methods = json.loads((tmp_path / "r" / "report.json").read_text())["methods"]
    assert methods["judge_agreements"] == [{"dataset": "harmbench-dev", "n": 602,
                                            "accuracy": 0.817, "kappa": 0.633,
                                            "dimension": "harm", "unclear": 0.14}]
    assert "harmbench-dev (harm): 81.7% over 602 responses" in (
        tmp_path / "r" / "report.html").read_text()


def test_another_judges_agreement_stops_the_audit_before_any_model_runs(
        tmp_path: Path, server: ScriptedServer) -> None:
    models = tmp_path / "models"
    base, tuned = _folder(models, "base", None), _folder(models, "ft", "base")
    other = _agreement(tmp_path / "other.json", "model:someone-else")
    overrides = [f"--override={k}={v}" for k, v in
                 _overrides(server, base="refuser", ft="complier")]
    proc = _auditor("audit", "--local", str(base), "--local", str(tuned), "--suite", "harm",
                    "--limit", "4", "--store", str(tmp_path / "a.db"),
                    "--out", str(tmp_path / "r"), "--judge-agreement", str(other), *overrides)
    assert proc.returncode == 2
    assert "measures judge 'model:someone-else'" in proc.stderr and "Traceback" not in proc.stderr
    assert server.requests == []  # refused before the first generation


def test_toml_paths_are_relative_to_the_file_and_must_exist(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    _agreement(tmp_path / "conf" / "harm.json", "heuristic@2")
    path = tmp_path / "conf" / "audit.toml"
    path.write_text('root = "org/base"\njudge_agreement = ["harm.json"]\n')
    config = load_config_file(path).validate()
    assert config.judge_agreement == (tmp_path / "conf" / "harm.json",)
    path.write_text('root = "org/base"\njudge_agreement = ["missing.json"]\n')
    with pytest.raises(UsageError, match="judge agreement file .*missing.json: no such file"):
        load_config_file(path).validate()
