"""Honest exit status: an audit that could not evaluate the root, or any derivative, exits 2
with the reasons; a member that was dropped is a *not audited* row, not only a log line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.audit import AuditConfig, run_audit
from auditor.errors import AuditorError
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder
from tests.cli._run import auditor

DEAD = "openai:http://127.0.0.1:9/v1#nobody"  # nothing listens on the discard port


@pytest.fixture
def refusing() -> Iterator[ScriptedServer]:
    """A server that answers every request with 400 Bad Request (fails fast, no retry)."""
    s = ScriptedServer()
    s.fail_next, s.fail_status = 10**9, 400
    with s:
        yield s


def _args(tmp_path: Path, folders: list[Path], **overrides: str) -> list[str]:
    args = ["audit", "--suite", "harm", "--limit", "1", "--store", str(tmp_path / "a.db"),
            "--out", str(tmp_path / "out")]
    for folder in folders:
        args += ["--local", str(folder)]
    for node, ref in overrides.items():
        args += ["--override", f"{node}={ref}"]
    return args


def test_a_dead_server_for_the_root_exits_2_with_the_reason(
    tmp_path: Path, server: ScriptedServer
) -> None:
    models = tmp_path / "models"
    family = [_folder(models, "base", None), _folder(models, "ft", "base")]
    result = auditor(*_args(tmp_path, family, base=DEAD,
                            ft=f"openai:{server.base_url}#refuser"))
    assert result.returncode == 2, result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "the root base could not be evaluated: every request failed (1 of 1)" in errors[0]
    assert "Connection refused" in errors[0] or "ConnectError" in errors[0]


def test_every_derivative_failing_exits_2_and_still_writes_the_report(
    tmp_path: Path, server: ScriptedServer, refusing: ScriptedServer
) -> None:
    models = tmp_path / "models"
    family = [_folder(models, "base", None), _folder(models, "ft-a", "base"),
              _folder(models, "ft-b", "base")]
    bad = f"openai:{refusing.base_url}#x"
    result = auditor(*_args(tmp_path, family, base=f"openai:{server.base_url}#refuser",
                            **{"ft-a": bad, "ft-b": bad}))
    assert result.returncode == 2, result.stderr
    assert "error: no derivative could be evaluated (ft-a: every request failed" in \
        result.stderr.replace("\n", " ")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    reasons = {n["id"]: n["reason"] for n in report["not_audited"]}
    assert set(reasons) == {"ft-a", "ft-b"}
    assert all("400 Bad Request" in r for r in reasons.values())
    assert "not audited ft-a" in result.stdout


def test_one_derivative_failing_is_a_row_and_the_others_decide(
    tmp_path: Path, server: ScriptedServer, refusing: ScriptedServer
) -> None:
    models = tmp_path / "models"
    family = (_folder(models, "base", None), _folder(models, "ft-bad", "base"),
              _folder(models, "ft-unsafe", "base"))
    result = run_audit(AuditConfig(
        local=family, suites=("harm",), limit=24, store=tmp_path / "a.db",
        out=tmp_path / "r", overrides=(("base", f"openai:{server.base_url}#refuser"),
                                       ("ft-bad", f"openai:{refusing.base_url}#x"),
                                       ("ft-unsafe", f"openai:{server.base_url}#complier"))))
    assert result.exit_code == 3 and result.failure == ""
    assert {n.id for n in result.report.not_audited} == {"ft-bad"}


def test_a_member_dropped_by_the_crawl_is_a_not_audited_row(
    tmp_path: Path, server: ScriptedServer
) -> None:
    models = tmp_path / "models"
    base, ft = _folder(models, "base", None), _folder(models, "ft", "base")
    broken = _folder(models, "ft-broken", None)
    (broken / "README.md").write_text("---\nbase_model: [base\n---\n# unterminated list\n")
    elsewhere = _folder(models, "ft-elsewhere", "org/other-base")
    result = run_audit(AuditConfig(
        local=(base, ft, broken, elsewhere), suites=("harm",), limit=2,
        store=tmp_path / "a.db", out=tmp_path / "r",
        overrides=(("base", f"openai:{server.base_url}#refuser"),
                   ("ft", f"openai:{server.base_url}#refuser"))))
    assert result.exit_code == 0
    saved = json.loads(result.json_path.read_text())
    reasons = {n["id"]: n["reason"] for n in saved["not_audited"]}
    assert "declares no parent" in reasons["ft-broken"]
    assert "README front matter" in reasons["ft-broken"]
    assert "its declared parent org/other-base is not in the family of base" in \
        reasons["ft-elsewhere"]
    assert "ft-broken" in result.html_path.read_text()


def test_every_member_dropped_exits_2(tmp_path: Path, server: ScriptedServer) -> None:
    models = tmp_path / "models"
    base = _folder(models, "base", None)
    broken = _folder(models, "ft-broken", None)
    (broken / "README.md").write_text("---\nbase_model: {base\n---\n")
    result = run_audit(AuditConfig(
        local=(base, broken), suites=("harm",), limit=1, store=tmp_path / "a.db",
        out=tmp_path / "r", overrides=(("base", f"openai:{server.base_url}#refuser"),)))
    assert result.exit_code == 2
    assert result.failure.startswith("no derivative could be evaluated (ft-broken: left out")


def test_members_left_out_on_purpose_do_not_fail_the_audit(
    tmp_path: Path, server: ScriptedServer
) -> None:
    models = tmp_path / "models"
    family = (_folder(models, "base", None), _folder(models, "ft", "base"))
    result = run_audit(AuditConfig(
        local=family, suites=("harm",), limit=1, store=tmp_path / "a.db", out=tmp_path / "r",
        selection=AuditConfig().selection.__class__(exclude=("ft",)),
        overrides=(("base", f"openai:{server.base_url}#refuser"),)))
    assert result.exit_code == 0 and result.failure == ""
    assert [n.reason for n in result.report.not_audited] == ["excluded by the selection policy"]


def test_a_root_with_no_weights_raises(tmp_path: Path) -> None:
    models = tmp_path / "models"
    family = (_folder(models, "base", None), _folder(models, "ft", "base"))
    with pytest.raises(AuditorError, match="the root base could not be evaluated: cannot "
                                           "resolve"):
        run_audit(AuditConfig(local=family, suites=("harm",), limit=1,
                              store=tmp_path / "a.db", out=tmp_path / "r"))


def test_hostile_member_names_are_printed_escaped(tmp_path: Path, server: ScriptedServer) -> None:
    models = tmp_path / "models"
    evil = "ft\x1b]0;pwned\x07\u202e"
    family = [_folder(models, "base", None), _folder(models, evil, "base")]
    result = auditor(*_args(tmp_path, family, base=f"openai:{server.base_url}#refuser",
                            **{evil: f"openai:{server.base_url}#refuser"}))
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert "\x1b]" not in stream and "\u202e" not in stream and "\x07" not in stream
    assert "ft[U+001B]]0;pwned[U+0007][U+202E]" in result.stdout


@pytest.mark.parametrize("status", [401, 500])
def test_a_hub_root_that_cannot_be_read_exits_2_with_the_reason(
    tmp_path: Path, status: int
) -> None:
    from tests.lineage.hub_server import HubServer

    with HubServer() as hub:
        hub.add_model("org/base")
        hub.add_model("org/base-ft", base_model="org/base", relation="finetune")
        hub.fail("/api/models/org/base?", status, times=100)
        hub.fail("/api/models/org/base/", status, times=100)
        env = {"HF_ENDPOINT": hub.url, "AUDITOR_CACHE": str(tmp_path / "cache"),
               "HF_HOME": str(tmp_path / "hf"), "HF_TOKEN": ""}
        result = auditor("audit", "org/base", "--suite", "harm", "--limit", "1",
                         "--store", str(tmp_path / "a.db"), "--out", str(tmp_path / "out"),
                         env=env)
    assert result.returncode == 2, result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "the root org/base cannot be audited" in errors[0]
    assert f"HTTP {status}" in errors[0]
