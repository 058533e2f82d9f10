"""The SQLite schema of the results store (``schema_version`` in the ``meta`` table).

Version 2 added ``condition`` (``plain`` for the item as written) and ``turn`` (1 for a
single-turn item) to a generation's key; a version 1 store is migrated on its first writable
open (``_migrate.py``).
"""

from __future__ import annotations

SCHEMA_VERSION = 2

GENERATION_COLUMNS: tuple[str, ...] = (
    "model",
    "identity_json",
    "suite",
    "item_id",
    "item_hash",
    "category",
    "expected",
    "framing",
    "gen_config_hash",
    "gen_config_json",
    "sample",
    "seed",
    "prompt_json",
    "prompt_text",
    "response",
    "reasoning",
    "finish_reason",
    "error",
    "n_prompt_tokens",
    "n_completion_tokens",
    "created_at",
    "condition",
    "turn",
)
GENERATIONS_V1_COLUMNS = GENERATION_COLUMNS[:-2]
"""The columns of a schema_version 1 ``generations`` table (before condition and turn)."""

VERDICT_COLUMNS: tuple[str, ...] = (
    "generation_id",
    "judge_id",
    "rubric_hash",
    "verdict",
    "evidence_json",
    "raw_output",
    "trace_json",
    "created_at",
)

GENERATIONS_TABLE = """CREATE TABLE IF NOT EXISTS {name} (
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
    condition TEXT NOT NULL DEFAULT 'plain',
    turn INTEGER NOT NULL DEFAULT 1,
    UNIQUE (model, item_hash, framing, condition, gen_config_hash, sample, turn)
)"""
GENERATIONS_INDEX = (
    "CREATE INDEX IF NOT EXISTS generations_by_model_suite ON generations (model, suite)"
)

DDL = f"""
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
{GENERATIONS_TABLE.format(name="generations")};
{GENERATIONS_INDEX};
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
""" + "\n"

# The harm dimension of a verdict (label, score in [0, 1], evidence, what decided it), one row
# per verdict that has one. Added within schema_version 1 (additive): stores written before it lack
# the table and their verdicts read as stance-only (harm None); the table is created with the
# first harm verdict written to such a store, and older auditors ignore it.
HARM_TABLE = "harm"
HARM_DDL = """CREATE TABLE IF NOT EXISTS harm (
    verdict_id INTEGER PRIMARY KEY REFERENCES verdicts (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    score REAL NOT NULL,
    evidence_json TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT '',
    raw_output TEXT NOT NULL DEFAULT ''
)"""
DDL += HARM_DDL + ";\n"

# The tool calls of an agentic item's generation and how its tools were shown, one row per
# generation that was offered tools. Additive like the harm table (schema_version unchanged,
# no stored row touched): a store written before it lacks the table, its generations read
# with no calls, and the table is created with the first agentic generation stored.
TOOL_CALLS_TABLE = "tool_calls"
TOOL_CALLS_DDL = """CREATE TABLE IF NOT EXISTS tool_calls (
    generation_id INTEGER PRIMARY KEY REFERENCES generations (id) ON DELETE CASCADE,
    calls_json TEXT NOT NULL DEFAULT '[]',
    tool_prompt TEXT NOT NULL DEFAULT ''
)"""
DDL += TOOL_CALLS_DDL + ";\n"

# The action layer's verdict on a verdict's generation (refused / acted / partial_action /
# no_tools, the matching call and why), one row per verdict that has one. Additive like the
# harm table: a store written before it lacks the table, its verdicts read with no action, and
# the table is created with the first action verdict stored; no stored row is touched.
ACTION_TABLE = "action"
ACTION_DDL = """CREATE TABLE IF NOT EXISTS action (
    verdict_id INTEGER PRIMARY KEY REFERENCES verdicts (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    evidence_json TEXT NOT NULL DEFAULT '{}'
)"""
DDL += ACTION_DDL + ";\n"
