"""The whole audit on a family whose behaviour is known: local lineage folders, models served
by a scripted OpenAI-compatible server on 127.0.0.1 (the only double: a remote server)."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from auditor.audit import AuditConfig, run_audit
from tests.audit.scripted_server import ScriptedServer
from tests.cli._run import auditor, popen


def _folder(root: Path, name: str, parent: str | None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    card = f"---\nbase_model: {parent}\nbase_model_relation: finetune\n---\n" if parent else ""
    (folder / "README.md").write_text(card + f"# {name}\n", encoding="utf-8")
    return folder


@pytest.fixture
def family(tmp_path: Path) -> list[Path]:
    return [
        _folder(tmp_path / "models", "base", None),
        _folder(tmp_path / "models", "ft-safe", "base"),
        _folder(tmp_path / "models", "ft-unsafe", "base"),
    ]


def _overrides(server: ScriptedServer, **models: str) -> tuple[tuple[str, str], ...]:
    return tuple((node, f"openai:{server.base_url}#{m}") for node, m in models.items())


def test_degraded_derivative_is_flagged_and_the_twin_is_not(
    tmp_path: Path, family: list[Path], server: ScriptedServer
) -> None:
    config = AuditConfig(
        local=tuple(family),
        suites=("harm",),
        store=tmp_path / "audit.db",
        out=tmp_path / "report",
        overrides=_overrides(server, base="refuser", **{"ft-safe": "refuser",
                                                        "ft-unsafe": "complier"}),
    )
    result = run_audit(config)
    verdicts = {d.id: str(d.verdict) for d in result.report.derivatives}
    assert verdicts["ft-unsafe"] == "degraded"
    assert verdicts["ft-safe"] != "degraded"
    unsafe = result.report.derivative("ft-unsafe")
    assert unsafe.unsafe_rate == 1.0 and unsafe.parent_unsafe_rate == 0.0
    assert unsafe.b == unsafe.n == 112 and unsafe.c == 0
    assert result.exit_code == 3
    saved = json.loads(result.json_path.read_text())
    assert saved["root"] == "base" and saved["schema_version"] == 2
    assert {d["id"] for d in saved["derivatives"]} == {"ft-safe", "ft-unsafe"}
    assert "<html" in result.html_path.read_text().lower()
    assert set(result.timings) >= {"crawl", "generate", "judge", "stats", "report"}


def test_rerun_recomputes_nothing(tmp_path: Path, family: list[Path], server: ScriptedServer
                                  ) -> None:
    config = AuditConfig(
        local=tuple(family[:2]), suites=("smoke",), store=tmp_path / "a.db",
        out=tmp_path / "r", overrides=_overrides(server, base="refuser", **{"ft-safe": "refuser"}),
    )
    first = run_audit(config)
    calls = len(server.requests)
    second = run_audit(config)
    assert len(server.requests) == calls  # every generation came from the store
    assert first.exit_code == second.exit_code == 0
    assert [o.summary.skipped for o in second.outcomes if o.summary] == [10, 10]


def test_early_stopping_settles_a_clear_degradation_with_fewer_generations(
    tmp_path: Path, family: list[Path], server: ScriptedServer
) -> None:
    config = AuditConfig(
        local=(family[0], family[2]), suites=("harm",), store=tmp_path / "e.db",
        out=tmp_path / "r", batch_size=4, early_stop=True,
        overrides=_overrides(server, base="refuser", **{"ft-unsafe": "complier"}),
    )
    result = run_audit(config)
    child = next(o for o in result.outcomes if o.target.id == "ft-unsafe")
    assert child.early_stop == "degraded"
    assert child.summary is not None and child.summary.generated < 112 / 2
    assert str(result.report.derivative("ft-unsafe").verdict) == "degraded"


def test_cli_exit_codes(tmp_path: Path, family: list[Path], server: ScriptedServer) -> None:
    common = ["--local", str(family[0]), "--local", str(family[1]), "--suite", "smoke",
              "--store", str(tmp_path / "c.db"), "--out", str(tmp_path / "out"),
              "--override", f"base=openai:{server.base_url}#refuser",
              "--override", f"ft-safe=openai:{server.base_url}#refuser"]
    ok = auditor("audit", *common)
    assert ok.returncode == 0, ok.stderr
    assert "report:" in ok.stdout and (tmp_path / "out" / "report.json").exists()
    strict = auditor("audit", *common, "--fail-on", "inconclusive")
    assert strict.returncode == 3  # 10 items cannot show non-inferiority
    bad = auditor("audit", *common, "--relation", "sideways")
    assert bad.returncode == 2 and "unknown relation" in bad.stderr
    unsafe = auditor("audit", "--local", str(family[0]), "--local", str(family[2]), "--suite",
                     "harm", "--store", str(tmp_path / "u.db"), "--out", str(tmp_path / "u"),
                     "--override", f"base=openai:{server.base_url}#refuser",
                     "--override", f"ft-unsafe=openai:{server.base_url}#complier")
    assert unsafe.returncode == 3, unsafe.stderr
    assert "degraded" in unsafe.stdout


def test_killed_audit_resumes_without_losing_or_repeating_work(
    tmp_path: Path, family: list[Path]
) -> None:
    with ScriptedServer(delay=0.05) as slow:
        args = ["audit", "--local", str(family[0]), "--local", str(family[2]), "--suite",
                "harm", "--store", str(tmp_path / "k.db"), "--out", str(tmp_path / "k"),
                "--override", f"base=openai:{slow.base_url}#refuser",
                "--override", f"ft-unsafe=openai:{slow.base_url}#complier"]
        process = popen(*args)
        deadline = time.monotonic() + 120
        while len(slow.requests) < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with sqlite3.connect(tmp_path / "k.db") as db:
            before = db.execute("SELECT id, response FROM generations").fetchall()
        assert 0 < len(before) < 224
        slow.delay = 0.0
        finished = auditor(*args)
        assert finished.returncode == 3, finished.stderr
        with sqlite3.connect(tmp_path / "k.db") as db:
            after = db.execute("SELECT id, response FROM generations").fetchall()
        assert len(after) == 224  # 112 items x 2 models, none twice
        assert set(before) <= set(after)  # nothing finished was lost or rewritten
