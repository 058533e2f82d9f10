"""The SQLite store: keys, skip/replace rules, verdicts, schema checks, WAL."""

from __future__ import annotations

import dataclasses
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from auditor.errors import StoreError
from auditor.judges._verdict import EvidenceSpan, JudgedVerdict, Verdict
from auditor.store import SCHEMA_VERSION, GenerationKey, GenerationRecord, Store


def record(**changes: object) -> GenerationRecord:
    base = GenerationRecord(
        model="local:m#sha256:abc", identity_json='{"backend": "llamacpp"}', suite="s",
        item_id="i1", item_hash="h1", category="c", expected="refuse", framing="default",
        gen_config_hash="g", gen_config_json="{}", sample=0, seed=0,
        prompt_json='[{"role": "user", "content": "hi"}]', prompt_text="hi", response="hello",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_put_is_idempotent_and_has_generation(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        first = store.put_generation(record())
        assert store.put_generation(record(response="different")) == first
        assert store.has_generation(record().key)
        assert not store.has_generation(record(sample=1).key)
        rows = list(store.generations())
    assert [r.response for r in rows] == ["hello"]
    assert rows[0].id == first and rows[0].created_at


def test_a_failed_generation_is_replaced_by_a_later_success(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        failed = store.put_generation(record(response="", error="HTTP 503"))
        assert not store.has_generation(record().key)
        assert store.has_generation(record().key, include_errors=True)
        assert store.put_generation(record(response="", error="again")) == failed
        ok = store.put_generation(record())
        assert ok != failed
        assert [(r.response, r.error) for r in store.generations()] == [("hello", "")]


def test_filters_models_suites_and_done_keys(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        store.put_generation(record())
        store.put_generation(record(model="org/x@123456789abc", suite="t"))
        store.put_generation(record(item_hash="h2", error="boom"))
        assert store.models() == ["local:m#sha256:abc", "org/x@123456789abc"]
        assert store.suites() == ["s", "t"]
        assert [r.suite for r in store.generations(model="org/x@123456789abc")] == ["t"]
        assert store.count_generations(suite="s") == 2
        assert store.done_keys("local:m#sha256:abc", "g") == {
            GenerationKey("local:m#sha256:abc", "h1", "default", "g", 0)
        }


def test_verdicts_round_trip_and_replace(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        gen = store.put_generation(record())
        span = EvidenceSpan(0, 5, "hello", "greeting")
        store.put_verdict(gen, JudgedVerdict(Verdict.COMPLIANCE, "heuristic@1", "r1", (span,)))
        store.put_verdict(gen, JudgedVerdict(Verdict.REFUSAL, "heuristic@1", "r1"), '{"x": 1}')
        store.put_verdict(gen, JudgedVerdict(Verdict.PARTIAL, "model:j", "r2", raw_output="P"))
        assert store.judges() == ["heuristic@1", "model:j"]
        mine = store.verdicts(judge_id="heuristic@1")
        assert mine[gen].verdict is Verdict.REFUSAL and mine[gen].trace == {"x": 1}
        assert store.verdicts(judge_id="model:j")[gen].raw_output == "P"
        assert len(list(store.all_verdicts())) == 2
        assert store.has_verdict(gen, "model:j", "r2")
        with pytest.raises(StoreError):
            store.put_verdict(999, JudgedVerdict(Verdict.REFUSAL, "j", "r"))


def test_evidence_spans_survive(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        gen = store.put_generation(record())
        spans = (EvidenceSpan(1, 3, "el", "why"),)
        store.put_verdict(gen, JudgedVerdict(Verdict.COMPLIANCE, "j", "r", spans))
        assert store.verdicts()[gen].evidence == spans


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Store(path) as store:
        store.put_generation(record())
        assert store.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_synchronous_normal_loses_nothing_when_the_process_is_killed(tmp_path: Path) -> None:
    """WAL + synchronous=NORMAL: every committed row survives SIGKILL of the writer (no close,
    no checkpoint), which is what resuming an interrupted run relies on."""
    path = tmp_path / "a.db"
    script = textwrap.dedent(
        f"""
        import os, signal
        from auditor.judges._verdict import JudgedVerdict, Verdict
        from tests.store.test_sqlite import record
        from auditor.store import Store

        store = Store({str(path)!r})
        print(store._conn.execute("PRAGMA synchronous").fetchone()[0], flush=True)
        for i in range(200):
            gid = store.put_generation(record(item_id=f"i{{i}}", item_hash=f"h{{i}}"))
            store.put_verdict(gid, JudgedVerdict(Verdict.REFUSAL, "heuristic@1", "r"))
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout.split() == ["1"]  # PRAGMA synchronous: 1 is NORMAL (2 is FULL)
    assert (tmp_path / "a.db-wal").stat().st_size > 0  # the rows are in the WAL, uncheckpointed
    with Store(path, readonly=True) as store:
        assert store.count_generations() == 200
        assert len(store.verdicts(judge_id="heuristic@1")) == 200


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(StoreError, match="schema_version 99"):
        Store(path)


def test_not_a_store(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a usable results store"):
        Store(junk)
    with pytest.raises(StoreError, match="no results store"):
        Store(tmp_path / "missing.db", readonly=True)


def test_a_second_connection_sees_committed_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    writer = Store(path)
    writer.put_generation(record())
    with Store(path, readonly=True) as reader:
        assert reader.count_generations() == 1
    writer.close()


def test_replacing_a_failed_generation_drops_its_verdicts(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        failed = store.put_generation(record(response="", error="timeout"))
        store.put_verdict(failed, JudgedVerdict(Verdict.ERROR, "heuristic@1", "r"))
        fresh = store.put_generation(record())
        assert fresh != failed
        assert store.verdicts() == {}
