"""Conditions in an audit: evaluated besides the plain rows, resumed, verdicts unchanged; the
``conditions`` key of TOML configs and the ``--condition`` flag."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from auditor.audit import AuditConfig, config_from_mapping, run_audit
from auditor.errors import UsageError
from auditor.store import Store
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder, _overrides
from tests.cli._run import auditor


def test_an_audit_evaluates_each_condition_besides_plain_and_keeps_its_verdicts(
    tmp_path: Path,
) -> None:
    family = (_folder(tmp_path / "m", "base", None), _folder(tmp_path / "m", "ft-safe", "base"))
    with ScriptedServer() as server:
        common = dict(local=family, suites=("smoke",), out=tmp_path / "r",
                      overrides=_overrides(server, base="refuser", **{"ft-safe": "complier"}))
        plain = run_audit(AuditConfig(store=tmp_path / "plain.db", **common))
        config = AuditConfig(store=tmp_path / "c.db", conditions=("monitoring", "prefill"),
                             **common)
        first = run_audit(config)
        calls = len(server.requests)
        second = run_audit(config)
        assert len(server.requests) == calls  # unsupported prefills are not asked again
    assert [o.summary.requested for o in first.outcomes if o.summary] == [30, 30]
    assert [o.summary.unsupported for o in first.outcomes if o.summary] == [10, 10]
    assert [o.summary.skipped for o in second.outcomes if o.summary] == [30, 30]
    verdicts = {d.id: str(d.verdict) for d in first.report.derivatives}
    assert verdicts == {d.id: str(d.verdict) for d in plain.report.derivatives}
    assert first.exit_code == plain.exit_code
    with Store(tmp_path / "c.db", readonly=True) as store:
        assert store.count_generations() == 60
        assert len(list(store.generations(condition="plain"))) == 20
        assert len(list(store.generations(condition="monitoring"))) == 20
        assert {r.finish_reason for r in store.generations(condition="prefill")} == {
            "unsupported"}


def test_conditions_in_a_toml_config_and_errors() -> None:
    config = config_from_mapping({"root": "org/x", "conditions": ["defence:stack", "lang:es"]})
    assert config.conditions == ("defence:stack", "lang:es")
    assert config_from_mapping({"root": "org/x", "conditions": "prefill"}).conditions == (
        "prefill",)
    with pytest.raises(UsageError, match="unknown condition 'nope'"):
        config_from_mapping({"root": "org/x", "conditions": ["nope"]}).validate()
    with pytest.raises(UsageError, match="conditions"):
        config_from_mapping({"root": "org/x", "conditions": [1]})


def test_the_condition_flag_reaches_the_audit_and_an_unknown_one_exits_2(
    tmp_path: Path,
) -> None:
    result = auditor("audit", "org/x", "--condition", "defence:nope", "--store",
                     str(tmp_path / "a.db"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "unknown condition 'defence:nope'; available:" in result.stderr
    assert "Traceback" not in result.stderr


def test_conditions_scoped_to_suites_ask_the_other_suites_plain_only(tmp_path: Path) -> None:
    family = (_folder(tmp_path / "m", "base", None), _folder(tmp_path / "m", "ft", "base"))
    with ScriptedServer() as server:
        config = AuditConfig(
            local=family, suites=("smoke", "benign-twins"), limit=4, out=tmp_path / "r",
            store=tmp_path / "s.db", conditions=("monitoring",), condition_suites=("smoke",),
            overrides=_overrides(server, base="refuser", ft="complier"))
        first = run_audit(config)
        calls = len(server.requests)
        second = run_audit(config)
        assert len(server.requests) == calls  # fully stored as scoped: nothing asked again
    assert [o.summary.requested for o in first.outcomes if o.summary] == [12, 12]
    assert [o.summary.skipped for o in second.outcomes if o.summary] == [12, 12]
    with Store(tmp_path / "s.db", readonly=True) as store:
        plain = {r.suite for r in store.generations(condition="plain")}
        scoped = [r.suite for r in store.generations(condition="monitoring")]
    assert plain == {"smoke", "benign-twins"}
    assert scoped and set(scoped) == {"smoke"} and len(scoped) == 8


def test_condition_suites_must_be_audited_suites(tmp_path: Path) -> None:
    config = config_from_mapping({"root": "org/x", "suites": ["harm"],
                                  "conditions": ["prefill"], "condition_suites": ["harm"]})
    assert config.validate().condition_suites == ("harm",)
    with pytest.raises(UsageError, match="scoped to the suite 'framing', which is not audited"):
        replace(config, condition_suites=("framing",)).validate()
    result = auditor("audit", "org/x", "--condition", "prefill", "--condition-suite", "framing",
                     "--store", str(tmp_path / "a.db"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "scoped to the suite 'framing', which is not audited" in result.stderr
