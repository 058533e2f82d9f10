"""Version 1 stores (before conditions and turns): read as plain/turn 1, migrated losslessly."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from pathlib import Path

import pytest

from auditor.errors import StoreError
from auditor.judges._verdict import Harm, Verdict
from auditor.store import SCHEMA_VERSION, GenerationKey, Store, export_rows
from tests.store._v1_store import write_v1_store
from tests.store.test_sqlite import record


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _summary(store: Store) -> list[tuple[object, ...]]:
    return [(r.id, r.item_id, r.response, r.condition, r.turn) for r in store.generations()]


def test_a_read_only_open_reads_a_v1_store_as_plain_turn_one_and_writes_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "v1.db"
    write_v1_store(db)
    before = _digest(db)
    with Store(db, readonly=True) as store:
        assert _summary(store) == [(1, "i0", "r0", "plain", 1), (2, "i1", "r1", "plain", 1),
                                   (3, "i2", "r2", "plain", 1)]
        assert store.count_generations() == 3
        assert [r.condition for r in store.generations(condition="plain", turn=1)] == [
            "plain"] * 3
        assert list(store.generations(condition="prefill")) == []
        assert {row["condition"] for row in export_rows(store)} == {"plain"}
        assert store.verdicts()[1].harm is not None
    assert _digest(db) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone()[0] == "1"


def test_a_writable_open_migrates_without_losing_a_row_verdict_or_harm(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    write_v1_store(db)
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert _summary(store) == [(1, "i0", "r0", "plain", 1), (2, "i1", "r1", "plain", 1),
                                   (3, "i2", "r2", "plain", 1)]
        verdicts = store.verdicts()
        assert sorted(verdicts) == [1, 2, 3]
        assert {v.verdict for v in verdicts.values()} == {Verdict.REFUSAL}
        harm = verdicts[1].harm
        assert harm is not None and harm.label == Harm.HARMFUL
        # Resume: the migrated rows are done plain/turn-1 keys.
        assert GenerationKey("local:m#sha256:abc", "h1", "default", "g", 0) in store.done_keys(
            "local:m#sha256:abc", "g")
        # The same item under a condition and at a later turn is now a row of its own.
        old = store.put_generation(record(item_hash="h1", gen_config_hash="g"))
        assert old == 2
        prefill = store.put_generation(record(item_hash="h1", gen_config_hash="g",
                                              condition="prefill", response="x"))
        turn2 = store.put_generation(record(item_hash="h1", gen_config_hash="g", turn=2))
        assert len({old, prefill, turn2}) == 3 and prefill > 3
    with Store(db) as store:  # opening again changes nothing
        assert store.count_generations() == 5
        assert store.verdicts()[1].harm is not None


def test_the_migration_keeps_foreign_keys_whole(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    write_v1_store(db)
    Store(db).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM generations WHERE id = 1")  # the cascade still works
        assert conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0] == 2
        assert conn.execute("SELECT COUNT(*) FROM harm").fetchone()[0] == 0


def test_a_v1_store_missing_a_column_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    write_v1_store(db)
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE generations DROP COLUMN reasoning")
    before = _digest(db)
    with pytest.raises(StoreError, match="schema_version 1: table generations lacks reasoning"):
        Store(db)
    assert _digest(db) == before


def test_records_default_to_plain_turn_one() -> None:
    base = record()
    assert (base.condition, base.turn) == ("plain", 1)
    assert base.key == GenerationKey(base.model, "h1", "default", "g", 0, "plain", 1)
    assert dataclasses.replace(base, turn=3).key.turn == 3
