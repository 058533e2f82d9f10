"""A store written before the tool_calls table gains it with its first agentic generation and
loses no row; its older generations read with no calls."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auditor.actions import ToolCall, calls_to_json
from auditor.store import GenerationRecord, Store, export_rows


def record(item_id: str, **tools: str) -> GenerationRecord:
    return GenerationRecord(
        model="m", identity_json="{}", suite="s", item_id=item_id, item_hash=item_id,
        category="c", expected="refuse", framing="default", gen_config_hash="g",
        gen_config_json="{}", sample=0, seed=0, prompt_json="[]", prompt_text="p",
        response="r", **tools)


def test_older_store_gains_the_table_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    with Store(path) as store:
        store.put_generation(record("old"))
    with sqlite3.connect(path) as conn:  # as written before the table existed
        conn.execute("DROP TABLE tool_calls")
    with Store(path, readonly=True) as store:
        assert not store.has_tool_calls() and len(list(store.generations())) == 1
    calls = (ToolCall("pay", {"iban": "X"}), ToolCall("pay", "{bad", "invalid JSON"))
    with Store(path) as store:
        new_id = store.put_generation(record("new", tool_calls_json=calls_to_json(calls),
                                             tool_prompt="generic"))
        rows = {r.item_id: r for r in store.generations()}
        assert store.generation(new_id).tool_calls == calls
        exported = {row["item_id"]: row for row in export_rows(store)}
    assert set(rows) == {"old", "new"}
    assert rows["old"].tool_calls == () and rows["new"].tool_prompt == "generic"
    assert exported["new"]["tool_calls"][1] == {"name": "pay", "arguments": "{bad",
                                                "parse_error": "invalid JSON"}
    assert exported["old"]["tool_calls"] == []
