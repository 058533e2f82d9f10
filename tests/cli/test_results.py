"""``auditor results``: one row per generation, JSONL or CSV, filtered by model."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.store import Store
from tests.cli._run import auditor, write_suite

CONTRACT = ["model", "item_id", "category", "framing", "sample", "prompt", "response",
            "reasoning"]


@pytest.fixture(scope="module")
def store(tiny_gguf: Path, tiny_hf_model: Path, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("results")
    suite = write_suite(root / "mini.jsonl", 3)
    db = root / "audit.db"
    for ref in (tiny_gguf, tiny_hf_model):
        done = auditor("eval", str(ref), "--suite", str(suite), "--store", str(db),
                       "--max-new-tokens", "3")
        assert done.returncode == 0, done.stderr
    return db


def test_jsonl_rows(store: Path) -> None:
    result = auditor("results", "--store", str(store), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 6
    assert all(set(CONTRACT) <= set(row) for row in rows)
    assert rows[0]["prompt"].startswith("Question number 0")
    assert {row["model"] for row in rows} == {r["model"] for r in rows[:3]} | {
        r["model"] for r in rows[3:]}


def test_model_filter_by_reference_and_key(store: Path, tiny_gguf: Path) -> None:
    by_ref = auditor("results", "--store", str(store), "--model", str(tiny_gguf),
                     "--format", "jsonl")
    rows = [json.loads(line) for line in by_ref.stdout.splitlines()]
    assert len(rows) == 3 and len({r["model"] for r in rows}) == 1
    key = rows[0]["model"]
    by_key = auditor("results", "--store", str(store), "--model", key, "--format", "jsonl")
    assert by_key.stdout == by_ref.stdout
    missing = auditor("results", "--store", str(store), "--model", "local:x#sha256:0",
                      "--format", "jsonl")
    assert missing.returncode == 2 and "stored models" in missing.stderr


def test_csv_to_file_with_verdicts(store: Path, tmp_path: Path) -> None:
    with Store(store) as db:
        first = next(db.generations())
        assert first.id is not None
        db.put_verdict(first.id, JudgedVerdict(Verdict.REFUSAL, "heuristic@1", "r"))
    out = tmp_path / "rows.csv"
    result = auditor("results", "--store", str(store), "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 6 and list(rows[0])[:3] == ["schema_version", "generation_id", "model"]
    assert rows[0]["verdict"] == "refusal" and rows[1]["verdict"] == ""


def test_errors(tmp_path: Path, store: Path) -> None:
    missing = auditor("results", "--store", str(tmp_path / "none.db"), "--format", "csv")
    assert missing.returncode == 2 and "no results store" in missing.stderr
    bad = auditor("results", "--store", str(store), "--format", "xml")
    assert bad.returncode == 2 and "jsonl or csv" in bad.stderr
