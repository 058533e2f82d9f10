"""``auditor audit --rubric`` (TOML ``rubric``): the model judge's rubric, as in ``auditor judge``.

End to end: a scripted family (``tests/audit/scripted_server.py``) judged by a cascade whose
model judge is a second scripted server answering in the StrongREJECT format; the stored
verdicts and the report carry that rubric's versioned id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.audit import AuditConfig, load_config_file, run_audit
from auditor.errors import UsageError
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder, _overrides
from tests.judges.test_cascade import _rubric_grader
from tests.judges.test_cli_judge import _auditor
from tests.judges.test_model_judge import _JudgeServer


@pytest.fixture
def judge_server() -> Iterator[_JudgeServer]:
    s = _JudgeServer(_rubric_grader)
    yield s
    s.close()


def test_toml_rubric_reaches_the_config(tmp_path: Path) -> None:
    path = tmp_path / "audit.toml"
    path.write_text('root = "org/base"\njudge = "cascade:openai:http://127.0.0.1:9/v1#g"\n'
                    'rubric = "strongreject"\n')
    config = load_config_file(path).validate()
    assert config.statistics.rubric == "strongreject"
    assert AuditConfig(root="org/x").statistics.rubric is None  # the judge's own default


@pytest.mark.parametrize(
    ("judge", "rubric", "message"),
    [("cascade:openai:http://127.0.0.1:9/v1#g", "bogus", "unknown rubric 'bogus'"),
     ("heuristic", "harmbench", "prompts a model judge")],
)
def test_a_rubric_no_judge_can_use_fails_before_any_work(judge: str, rubric: str,
                                                          message: str) -> None:
    with pytest.raises(UsageError, match=message):
        AuditConfig(root="org/x", judge=judge, rubric=rubric).validate()


def test_cli_refuses_an_unknown_rubric(tmp_path: Path) -> None:
    proc = _auditor("audit", "org/x", "--judge", "cascade:openai:http://127.0.0.1:9/v1#g",
                    "--rubric", "bogus", "--store", str(tmp_path / "a.db"),
                    "--out", str(tmp_path / "r"))
    assert proc.returncode == 2
    assert "unknown rubric 'bogus'" in proc.stderr and "Traceback" not in proc.stderr


def test_audit_judges_with_the_rubric_given(tmp_path: Path, server: ScriptedServer,
                                            judge_server: _JudgeServer) -> None:
    models = tmp_path / "models"
    family = (_folder(models, "base", None), _folder(models, "ft-unsafe", "base"))
    config = AuditConfig(
        local=family, suites=("harm",), store=tmp_path / "audit.db", out=tmp_path / "report",
        early_stop=False, limit=6, judge=f"cascade:openai:{judge_server.url}#g",
        rubric="strongreject",
        overrides=_overrides(server, base="refuser", **{"ft-unsafe": "complier"}),
    )
    result = run_audit(config)
    with sqlite3.connect(tmp_path / "audit.db") as db:
        judge_ids = {row[0] for row in db.execute("SELECT DISTINCT judge_id FROM verdicts")}
    assert judge_ids and all("@strongreject-v1+heuristic@" in j for j in judge_ids)
    assert "@strongreject-v1" in json.dumps(json.loads(result.json_path.read_text()))
