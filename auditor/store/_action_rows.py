"""The ``action`` table: the action layer's verdict beside a stored verdict (see
:data:`auditor.store._schema.ACTION_DDL`). Functions on the store's open connection, inside
the caller's transaction; a store without the table reads as having no action verdicts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auditor.errors import StoreError
from auditor.judges import ActionVerdict
from auditor.store._open import has_table
from auditor.store._records import action_from_row, action_to_row
from auditor.store._schema import ACTION_DDL, ACTION_TABLE


def put_action(conn: sqlite3.Connection, verdict_id: int, action: ActionVerdict | None) -> None:
    """Store (or, with ``None``, remove) the action verdict of a verdict row."""
    if action is None:
        if has_table(conn, ACTION_TABLE):
            conn.execute(f"DELETE FROM {ACTION_TABLE} WHERE verdict_id = ?", (verdict_id,))
        return
    conn.execute(ACTION_DDL)  # a store written before the action table gains it here
    conn.execute(
        f"INSERT OR REPLACE INTO {ACTION_TABLE} (verdict_id, label, evidence_json) "
        "VALUES (?, ?, ?)",
        (verdict_id, *action_to_row(action)),
    )


def read_actions(conn: sqlite3.Connection, path: Path) -> dict[int, ActionVerdict]:
    """Every stored action verdict by verdict id; a damaged row is a :class:`StoreError`."""
    if not has_table(conn, ACTION_TABLE):
        return {}
    out = {}
    for row in conn.execute(f"SELECT * FROM {ACTION_TABLE}").fetchall():
        try:
            out[int(row["verdict_id"])] = action_from_row(row["label"], row["evidence_json"])
        except (ValueError, TypeError, KeyError) as exc:
            raise StoreError(f"{path} is damaged: action row {row['verdict_id']}: {exc}") from exc
    return out
