"""The harm dimension in the store: round trip, stores written before it, damaged rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.errors import StoreError
from auditor.judges import HeuristicJudge, judge_store
from auditor.judges._verdict import EvidenceSpan, Harm, HarmAssessment, JudgedVerdict, Verdict
from auditor.store import Store
from tests.store.test_sqlite import record

HARM = HarmAssessment(Harm.HARMFUL, 0.83, (EvidenceSpan(0, 5, "hello", "substantive content"),),
                      source="model:guard@llamaguard-v1", raw_output="unsafe\nS1")


def test_harm_round_trip(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        gid = store.put_generation(record())
        store.put_verdict(gid, JudgedVerdict(Verdict.PARTIAL, "j@2", "r", harm=HARM))
        store.put_verdict(gid, JudgedVerdict(Verdict.REFUSAL, "old@1", "r"))
        got = store.verdicts(judge_id="j@2")[gid]
        assert got.harm == HARM and got.verdict == Verdict.PARTIAL
        assert store.verdicts(judge_id="old@1")[gid].harm is None
        assert [v.harm for v in store.all_verdicts()] == [HARM, None]
        # Replacing the verdict replaces (or drops) its harm row.
        store.put_verdict(gid, JudgedVerdict(Verdict.PARTIAL, "j@2", "r"))
        assert store.verdicts(judge_id="j@2")[gid].harm is None


def _drop_harm_table(path: Path) -> None:
    """A store as written before the harm table existed (same schema_version)."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE harm")


def test_a_store_without_the_harm_table_reads_and_gains_it(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(db) as store:
        gid = store.put_generation(record())
        store.put_verdict(gid, JudgedVerdict(Verdict.COMPLIANCE, "heuristic@1", "r"))
    _drop_harm_table(db)
    with Store(db, readonly=True) as store:  # readable as it is: stance only
        assert store.verdicts()[gid].harm is None
    with Store(db) as store:  # re-judged with the current judge: the table appears
        assert judge_store(store, HeuristicJudge()) == 1
        new = store.verdicts(judge_id="heuristic@2")[gid]
        assert new.harm is not None and 0.0 <= new.harm.score <= 1.0
        assert store.verdicts(judge_id="heuristic@1")[gid].harm is None  # the old stays


def test_a_damaged_harm_row_is_a_store_error(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Store(db) as store:
        gid = store.put_generation(record())
        store.put_verdict(gid, JudgedVerdict(Verdict.PARTIAL, "j@2", "r", harm=HARM))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE harm SET score = 7.5")
    with Store(db, readonly=True) as store, pytest.raises(StoreError, match="harm row"):
        store.verdicts()
