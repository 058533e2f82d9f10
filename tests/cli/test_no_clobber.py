"""No command's output replaces one of its inputs: the store (any alias of it), a suite,
lineage, data or model file. Each refusal is one line, exit status 2, nothing written."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from auditor.audit import AuditConfig
from auditor.audit._scan import FamilyScan, ScanConfig, run_scan
from auditor.errors import OutputError
from auditor.store import Store
from tests.cli._run import auditor, write_suite
from tests.store.test_sqlite import record


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "x.db"
    with Store(path) as db:
        for i in range(5):
            db.put_generation(record(item_id=f"i{i}", item_hash=f"h{i}"))
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _refused(args: list[str], *kept: Path, match: str = "refusing to write") -> str:
    """Run the command; it exits 2 with one error line and leaves ``kept`` byte for byte."""
    before = {p: _digest(p) for p in kept}
    proc = auditor(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and match in lines[0], proc.stderr
    assert {p: _digest(p) for p in kept} == before
    return lines[0]


def test_results_out_equal_to_store_leaves_the_store_unchanged(store: Path) -> None:
    """The contract: ``auditor results --out`` equal to ``--store`` exits 2."""
    line = _refused(["results", "--store", str(store), "--out", str(store)], store)
    assert "it is the store" in line
    with Store(store, readonly=True) as db:
        assert db.count_generations() == 5


def test_results_out_through_a_symlink_a_hard_link_or_the_wal(store: Path, tmp_path: Path
                                                             ) -> None:
    link, hard = tmp_path / "rows.jsonl", tmp_path / "rows.csv"
    link.symlink_to(store)
    os.link(store, hard)
    for out in (link, hard, tmp_path / "x.db-wal"):
        _refused(["results", "--store", str(store), "--out", str(out)], store)
    assert not (tmp_path / "x.db-wal").exists()
    done = auditor("results", "--store", str(store), "--out", str(tmp_path / "ok.jsonl"))
    assert done.returncode == 0, done.stderr
    assert len((tmp_path / "ok.jsonl").read_text().splitlines()) == 5


def test_report_never_writes_over_its_inputs(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    out.mkdir()
    os.link(store, out / "report.json")  # the report folder holds the store as report.json
    _refused(["report", "--store", str(store), "--out", str(out)], store)
    _refused(["report", "--store", str(store), "--out", str(store)], store)  # folder = store
    saved = tmp_path / "old" / "report.json"
    saved.parent.mkdir()
    saved.write_text("{}")
    _refused(["report", "--from-json", str(saved), "--out", str(saved.parent)], saved)


def test_audit_with_its_store_as_the_report_json_is_refused_before_anything(tmp_path: Path
                                                                          ) -> None:
    model = tmp_path / "models" / "base"
    model.mkdir(parents=True)
    (model / "README.md").write_text("# base\n")
    out = tmp_path / "out"
    line = _refused(["audit", "--local", str(model), "--store", str(out / "report.json"),
                     "--out", str(out)])
    assert "it is the store" in line and not out.exists()  # no store was even created
    out.mkdir()
    real = out / "report.json"
    with Store(real) as db:
        db.put_generation(record())
    _refused(["audit", "--local", str(model), "--store", str(real), "--out", str(out)], real)
    _refused(["audit", "--local", str(model), "--store", str(real), "--out", str(real)], real)


def test_scan_outputs_over_a_family_store_are_refused(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan"
    out.mkdir()
    summary = out / "summary.json"
    os.link(store, summary)
    family = FamilyScan("fam", AuditConfig(local=(tmp_path,), store=store,
                                           out=out / "fam").validate())
    before = _digest(store)
    with pytest.raises(OutputError, match="summary.json: it is the store"):
        run_scan(ScanConfig(out=out, families=(family,)))
    other = FamilyScan("other", AuditConfig(local=(tmp_path,), store=tmp_path / "o.db",
                                            out=tmp_path / "o.db").validate())
    with pytest.raises(OutputError, match="it is the store"):  # a report folder over a store
        run_scan(ScanConfig(out=tmp_path / "scan2", families=(other,)))
    assert _digest(store) == before and not (tmp_path / "scan2").exists()


def test_compare_json_over_the_store(store: Path) -> None:
    _refused(["compare", "a", "b", "--store", str(store), "--json", str(store)], store)


def test_judge_and_judge_eval_outputs_over_their_input(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text(json.dumps({"q": "hi", "a": "hello", "gold": "compliance"}) + "\n")
    _refused(["judge", str(data), "--prompt-col", "q", "--response-col", "a", "--out",
              str(data)], data)
    _refused(["judge-eval", str(data), "--prompt-col", "q", "--response-col", "a",
              "--label-col", "gold", "--json", str(data)], data)


def test_lineage_out_over_a_model_being_crawled(tmp_path: Path) -> None:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF weights that must survive")
    _refused(["lineage", "--local", str(gguf), "--format", "json", "--out", str(gguf)], gguf)


def test_suites_export_over_its_source(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mine.jsonl", 3)
    _refused(["suites", "export", str(suite), str(suite), "--force"], suite)


def test_eval_with_its_suite_file_as_the_store(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mine.jsonl", 2)
    _refused(["eval", "openai:http://127.0.0.1:9/v1#m", "--suite", str(suite), "--store",
              str(suite)], suite, match="not a usable results store")
