"""An audit whose member's backend crashes natively: that member is *not audited* with the
reason, its stored rows stay, and the others are compared and decide the exit status."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.audit import AuditConfig, run_audit
from auditor.backends import register_backend
from auditor.backends._registry import _REGISTRY
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder
from tests.backends.crashing_backend import CrashingBackend


@pytest.fixture
def crashing() -> Iterator[str]:
    register_backend("crashing", CrashingBackend, in_worker=True)
    yield "crashing"
    _REGISTRY.pop("crashing")


def test_a_crashing_member_is_not_audited_and_keeps_its_rows(
    tmp_path: Path, tiny_gguf: Path, crashing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRASH_AFTER", "4")
    models = tmp_path / "models"
    family = [_folder(models, "base", None), _folder(models, "ft-unsafe", "base"),
              _folder(models, "ft-crash", "base")]
    with ScriptedServer() as server:
        config = AuditConfig(
            local=tuple(family), suites=("smoke",), store=tmp_path / "a.db",
            out=tmp_path / "report", backend=crashing,
            overrides=(("base", f"openai:{server.base_url}#refuser"),
                       ("ft-unsafe", f"openai:{server.base_url}#complier"),
                       ("ft-crash", str(tiny_gguf))),
        )
        result = run_audit(config)
    assert result.exit_code == 3  # decided by ft-unsafe; the crash does not end the audit
    assert [d.id for d in result.report.derivatives] == ["ft-unsafe"]
    reasons = {n.id: n.reason for n in result.report.not_audited}
    assert "backend crashed (SIGSEGV while decoding item" in reasons["ft-crash"]
    with sqlite3.connect(tmp_path / "a.db") as db:
        kept = db.execute("SELECT COUNT(*) FROM generations WHERE model LIKE '%tiny-F32%'"
                          ).fetchone()[0]
    assert kept == 4
