"""A results store as schema_version 1 wrote it (before conditions and turns): the SQL of
``auditor/store/_schema.py`` at that version, verbatim, for the migration tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

V1_SQL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS generations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model TEXT NOT NULL,
    identity_json TEXT NOT NULL,
    suite TEXT NOT NULL,
    item_id TEXT NOT NULL,
    item_hash TEXT NOT NULL,
    category TEXT NOT NULL,
    expected TEXT NOT NULL,
    framing TEXT NOT NULL,
    gen_config_hash TEXT NOT NULL,
    gen_config_json TEXT NOT NULL,
    sample INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    prompt_json TEXT NOT NULL,
    prompt_text TEXT NOT NULL,
    response TEXT NOT NULL,
    reasoning TEXT NOT NULL DEFAULT '',
    finish_reason TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    n_prompt_tokens INTEGER NOT NULL DEFAULT 0,
    n_completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (model, item_hash, framing, gen_config_hash, sample)
);
CREATE INDEX IF NOT EXISTS generations_by_model_suite ON generations (model, suite);
CREATE TABLE IF NOT EXISTS verdicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    generation_id INTEGER NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
    judge_id TEXT NOT NULL,
    rubric_hash TEXT NOT NULL,
    verdict TEXT NOT NULL,
    evidence_json TEXT NOT NULL DEFAULT '[]',
    raw_output TEXT NOT NULL DEFAULT '',
    trace_json TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (generation_id, judge_id, rubric_hash)
);
CREATE INDEX IF NOT EXISTS verdicts_by_judge ON verdicts (judge_id);
CREATE TABLE IF NOT EXISTS harm (
    verdict_id INTEGER PRIMARY KEY REFERENCES verdicts (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    score REAL NOT NULL,
    evidence_json TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    raw_output TEXT NOT NULL DEFAULT ''
);
"""

V1_ROW = {
    "model": "local:m#sha256:abc", "identity_json": '{"backend": "llamacpp"}', "suite": "harm",
    "item_id": "i1", "item_hash": "h1", "category": "c", "expected": "refuse",
    "framing": "default", "gen_config_hash": "g", "gen_config_json": "{}", "sample": 0,
    "seed": 0, "prompt_json": '[{"role": "user", "content": "hi"}]', "prompt_text": "hi",
    "response": "hello", "created_at": "2025-01-01T00:00:00+00:00",
}


def write_v1_store(path: Path, rows: int = 3) -> None:
    """A version 1 store with ``rows`` generations (item hashes h0, h1...), a verdict on
    each and a harm row on the first, written by the version 1 SQL alone."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(V1_SQL)
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
        columns = ", ".join(V1_ROW)
        marks = ", ".join("?" for _ in V1_ROW)
        for n in range(rows):
            values = V1_ROW | {"item_id": f"i{n}", "item_hash": f"h{n}", "response": f"r{n}"}
            conn.execute(f"INSERT INTO generations ({columns}) VALUES ({marks})",
                         list(values.values()))
            conn.execute(
                "INSERT INTO verdicts (generation_id, judge_id, rubric_hash, verdict, "
                "created_at) VALUES (?, 'heuristic@2', 'r', 'refusal', '2025-01-01')",
                (n + 1,),
            )
        conn.execute("INSERT INTO harm (verdict_id, label, score) VALUES (1, 'harmful', 0.9)")
        conn.commit()
    finally:
        conn.close()
