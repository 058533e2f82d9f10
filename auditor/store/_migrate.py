"""Bringing a schema_version 1 store to version 2 (``condition`` and ``turn`` in the key).

Why a table rebuild: version 1's ``UNIQUE (model, item_hash, framing, gen_config_hash,
sample)`` would refuse a second condition of the same item, and SQLite cannot change a table
constraint in place. The rebuild follows SQLite's documented procedure (foreign keys off, new
table, copy every row with its id, drop, rename, ``foreign_key_check``) in one transaction:
a crash leaves the version 1 store as it was, and every generation keeps its id, so verdicts
and harm rows still point at it. Old rows read as ``condition = 'plain'``, ``turn = 1``.

A read-only open cannot rewrite the file: it reads a version 1 store through a temporary
view that adds the two columns with those values (a ``TEMP`` view shadows the table of the
same name for this connection only; nothing is written to the store).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from auditor.errors import StoreError
from auditor.store._schema import (
    GENERATIONS_INDEX,
    GENERATIONS_TABLE,
    GENERATIONS_V1_COLUMNS,
    SCHEMA_VERSION,
)

log = logging.getLogger(__name__)

_COPIED = ", ".join(("id", *GENERATIONS_V1_COLUMNS))


def migrate_v1(conn: sqlite3.Connection, path: Path) -> None:
    """Rebuild the ``generations`` table of a version 1 store as version 2, atomically."""
    conn.execute("PRAGMA foreign_keys = OFF")  # dropping the old table must not cascade
    try:
        conn.execute("BEGIN IMMEDIATE")
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if str(version[0]) != "1":  # another writer migrated it while we waited for the lock
            conn.execute("ROLLBACK")
            return
        conn.execute(GENERATIONS_TABLE.format(name="generations_v2"))
        conn.execute(f"INSERT INTO generations_v2 ({_COPIED}, condition, turn) "
                     f"SELECT {_COPIED}, 'plain', 1 FROM generations")
        conn.execute("DROP TABLE generations")
        conn.execute("ALTER TABLE generations_v2 RENAME TO generations")
        conn.execute(GENERATIONS_INDEX)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     (str(SCHEMA_VERSION),))
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            conn.execute("ROLLBACK")
            raise StoreError(f"{path}: migrating to schema_version {SCHEMA_VERSION} would "
                             f"orphan {len(broken)} row(s); the store was left as it was")
        conn.execute("COMMIT")
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    log.info("%s: migrated the results store to schema_version %d", path, SCHEMA_VERSION)


def read_v1_as_v2(conn: sqlite3.Connection) -> None:
    """Let a read-only connection read a version 1 store as version 2 (see the docstring)."""
    conn.execute(
        "CREATE TEMP VIEW generations AS SELECT *, 'plain' AS condition, 1 AS turn "
        "FROM main.generations"
    )
