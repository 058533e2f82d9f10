"""Export rows: the contract columns, verdict columns only when verdicts exist, CSV/JSONL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.store import Store, export_rows, write_csv, write_jsonl
from tests.store.test_sqlite import record

CONTRACT = {"model", "item_id", "category", "framing", "sample", "prompt", "response",
            "reasoning"}


def test_rows_have_contract_columns(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        store.put_generation(record(reasoning="thought"))
        rows = list(export_rows(store))
    assert CONTRACT <= set(rows[0])
    assert rows[0]["prompt"] == "hi" and rows[0]["reasoning"] == "thought"
    assert rows[0]["backend"] == "llamacpp"
    assert "verdict" not in rows[0]


def test_verdict_columns_when_judged(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        gen = store.put_generation(record())
        store.put_generation(record(item_hash="h2", item_id="i2"))
        store.put_verdict(gen, JudgedVerdict(Verdict.REFUSAL, "heuristic@1", "r"))
        rows = list(export_rows(store))
    assert [r["verdict"] for r in rows] == ["refusal", ""]
    assert rows[0]["judge_id"] == "heuristic@1"


def test_multi_turn_prompt_text_and_writers(tmp_path: Path) -> None:
    messages = '[{"role": "system", "content": "S"}, {"role": "user", "content": "U, \\"q\\""}]'
    with Store(tmp_path / "a.db") as store:
        store.put_generation(record(prompt_json=messages, response="line1\nline2"))
        rows = list(export_rows(store))
    assert rows[0]["prompt"] == 'system: S\n\nuser: U, "q"'
    out = io.StringIO()
    assert write_csv(rows, out) == 1
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert parsed[0]["response"] == "line1\nline2" and parsed[0]["prompt"] == rows[0]["prompt"]
    out = io.StringIO()
    assert write_jsonl(rows, out) == 1
    assert json.loads(out.getvalue())["response"] == "line1\nline2"
