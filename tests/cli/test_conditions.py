"""``auditor conditions``, ``auditor eval --condition`` and the ``condition``/``turn`` columns
of ``auditor results`` (contract)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._run import auditor, write_suite
from tests.fixtures.openai_server import OpenAIServer


def test_conditions_lists_each_with_a_one_line_description() -> None:
    listed = auditor("conditions", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    names = [row["name"] for row in rows]
    assert {"defence:stack", "defence:think-safety", "prefill", "forged-demos", "monitoring",
            "lang:es"} <= set(names)
    assert all(row["description"] and "\n" not in row["description"] for row in rows)
    table = auditor("conditions")
    assert table.returncode == 0 and "defence:stack" in table.stdout
    assert "safety team" in table.stdout


def test_eval_with_conditions_and_results_rows(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", 3)
    db = tmp_path / "a.db"
    with OpenAIServer() as server:
        args = ("eval", f"openai:{server.base_url}#m", "--suite", str(suite), "--store",
                str(db), "--max-new-tokens", "4", "--condition", "defence:stack",
                "--condition", "prefill")
        result = auditor(*args)
        assert result.returncode == 0, result.stderr
        assert "9 generations, 9 new, 0 already stored, 0 errors" in result.stdout
        assert "3 under a condition this item or backend cannot take" in result.stdout
        again = auditor(*args)
        assert "0 new, 9 already stored" in again.stdout and len(server.requests) == 6
    exported = auditor("results", "--store", str(db), "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert sorted(r["condition"] for r in rows) == ["defence:stack"] * 3 + ["plain"] * 3 + [
        "prefill"] * 3
    assert {r["turn"] for r in rows} == {1}
    prefill = [r for r in rows if r["condition"] == "prefill"]
    assert all(r["finish_reason"] == "unsupported" for r in prefill)


def test_an_unknown_condition_is_one_clear_error(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", 1)
    result = auditor("eval", "openai:http://127.0.0.1:9/v1#m", "--suite", str(suite),
                     "--store", str(tmp_path / "a.db"), "--condition", "defence:nope")
    assert result.returncode == 2
    assert "unknown condition 'defence:nope'; available: defence:policy" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "a.db").exists()
