"""The action layer's verdicts in the store: round trip, stores written before the action
table (read as they are, gain it on the first action verdict, lose no row), damaged rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.actions import ToolCall
from auditor.errors import StoreError
from auditor.judges import Action, ActionVerdict
from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.store import Store
from tests.store.test_sqlite import record

ACTED = ActionVerdict(Action.PARTIAL_ACTION, ToolCall("send_email", {"to": ["a@b.c"]}), 0,
                      "send_email where body contains 'paypa1'", n_calls=2, n_unparseable=1)


def test_action_round_trip_and_replacement(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        gid = store.put_generation(record())
        store.put_verdict(gid, JudgedVerdict(Verdict.REFUSAL, "j@2", "r", action=ACTED))
        assert store.verdicts(judge_id="j@2")[gid].action == ACTED
        assert [v.action for v in store.all_verdicts()] == [ACTED]
        store.put_verdict(gid, JudgedVerdict(Verdict.REFUSAL, "j@2", "r"))
        assert store.verdicts(judge_id="j@2")[gid].action is None


def test_a_store_without_the_action_table_reads_and_gains_it(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(db) as store:
        old = store.put_generation(record())
        store.put_verdict(old, JudgedVerdict(Verdict.COMPLIANCE, "j@1", "r"))
    with sqlite3.connect(db) as conn:  # as written before the action table existed
        conn.execute("DROP TABLE action")
    with Store(db, readonly=True) as store:
        assert store.verdicts()[old].action is None
    with Store(db) as store:
        new = store.put_generation(record(item_id="i2", item_hash="h2"))
        store.put_verdict(new, JudgedVerdict(Verdict.REFUSAL, "j@1", "r", action=ACTED))
        verdicts = store.verdicts()
        assert verdicts[new].action == ACTED
        assert verdicts[old].verdict == Verdict.COMPLIANCE and verdicts[old].action is None
        assert store.count_generations() == 2


def test_a_damaged_action_row_is_a_store_error(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Store(db) as store:
        gid = store.put_generation(record())
        store.put_verdict(gid, JudgedVerdict(Verdict.REFUSAL, "j@2", "r", action=ACTED))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE action SET label = 'exploded'")
    with Store(db, readonly=True) as store, pytest.raises(StoreError, match="action row"):
        store.verdicts()
