"""``auditor report``: the command's contract, checked from outside through the entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.store import Store
from tests.reports._store import add_model, identity, lineage_dict, write_lineage


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", "report", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def store_and_lineage(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("cli")
    with Store(tmp / "audit.db") as store:
        add_model(store, identity("org/base"), unsafe=lambda i: i % 20 == 0)
        add_model(
            store,
            identity("org/evil<script>"),
            unsafe=lambda i: i % 3 == 0,
            payload="<script>alert(1)</script>",
        )
    graph = lineage_dict(
        [("org/base", "org/evil<script>", "finetune"), ("org/base", "org/gated", "adapter")],
        "org/base",
        statuses={"org/gated": "gated"},
    )
    return tmp / "audit.db", write_lineage(tmp / "lineage.json", graph)


def test_report_with_lineage_writes_both_files(store_and_lineage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, lineage_path = store_and_lineage
    result = _run("--store", str(db), "--lineage", str(lineage_path), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["schema_version"] == 2 and data["root"] == "org/base"
    (d,) = data["derivatives"]
    assert d["id"] == "org/evil<script>" and d["relation"] == "finetune"
    assert d["verdict"] == "degraded" and d["p_adjusted"] < 0.05
    assert {
        k for k in ("unsafe_rate", "parent_unsafe_rate", "difference", "ci", "p_value")
    } <= d.keys()
    assert data["provenance"]["models"]
    html = (tmp_path / "report.html").read_text()
    assert "<script>" not in html and "org/evil&lt;script&gt;" in html
    assert "degraded" in result.stdout and str(tmp_path / "report.html") in result.stdout


def test_report_with_root_only(store_and_lineage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = store_and_lineage
    result = _run("--store", str(db), "--root", "org/base", "--out", str(tmp_path / "r"))
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    assert [d["relation"] for d in data["derivatives"]] == ["unknown"]


def test_errors_are_clear_and_exit_2(store_and_lineage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, lineage_path = store_and_lineage
    result = _run("--store", str(tmp_path / "none.db"), "--root", "x", "--out", str(tmp_path))
    assert result.returncode == 2 and "no results store" in result.stderr
    result = _run("--store", str(db), "--out", str(tmp_path))
    assert result.returncode == 2 and "--lineage" in result.stderr
    result = _run(
        "--store",
        str(db),
        "--lineage",
        str(lineage_path),
        "--root",
        "other",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 2 and "does not match the lineage file's root" in result.stderr
    assert not (tmp_path / "report.json").exists()


def test_from_json_re_renders_a_finished_report(store_and_lineage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, lineage_path = store_and_lineage
    assert (
        _run(
            "--store", str(db), "--lineage", str(lineage_path), "--out", str(tmp_path / "a")
        ).returncode
        == 0
    )
    first = (tmp_path / "a" / "report.json").read_text()
    result = _run("--from-json", str(tmp_path / "a" / "report.json"), "--out", str(tmp_path / "b"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "b" / "report.json").read_text() == first
    assert (tmp_path / "b" / "report.html").read_text() == (
        tmp_path / "a" / "report.html"
    ).read_text()
    bad = tmp_path / "bad.json"
    bad.write_text(first.replace('"schema_version": 2', '"schema_version": 7'))
    result = _run("--from-json", str(bad), "--out", str(tmp_path / "c"))
    assert result.returncode == 2 and "schema_version 7 is not supported" in result.stderr


def test_judge_agreement_file_reaches_the_methods(store_and_lineage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, lineage_path = store_and_lineage
    agree = tmp_path / "agreement.json"
    agree.write_text(
        json.dumps(
            {
                "dataset": "xstest-dev",
                "n": 1350,
                "accuracy": 0.94,
                "kappa": 0.86,
                "judge_id": "heuristic@2",
            }
        )
    )
    harm = tmp_path / "harm-agreement.json"
    harm.write_text(json.dumps({"dataset": "harmbench-dev", "n": 602, "accuracy": 0.77,
                                "kappa": 0.53, "judge_id": "heuristic@2", "dimension": "harm",
                                "unclear": 0.22}))
    args = ("--store", str(db), "--lineage", str(lineage_path), "--out", str(tmp_path / "r"))
    result = _run(*args, "--judge-agreement", str(agree), "--judge-agreement", str(harm))
    assert result.returncode == 0, result.stderr
    methods = json.loads((tmp_path / "r" / "report.json").read_text())["methods"]
    stance = {"dataset": "xstest-dev", "n": 1350, "accuracy": 0.94, "kappa": 0.86,
              "dimension": "stance", "unclear": None}
    assert methods["judge_agreement"] == stance
    assert methods["judge_agreements"] == [stance, {
        "dataset": "harmbench-dev", "n": 602, "accuracy": 0.77, "kappa": 0.53,
        "dimension": "harm", "unclear": 0.22,
    }]
    html = (tmp_path / "r" / "report.html").read_text()
    assert "Cohen’s κ = 0.86" in html
    assert ("harmbench-dev (harm): 77.0% over 602 responses, Cohen’s κ = 0.53, 22.0% left "
            "unclear") in html
    agree.write_text(json.dumps({"n": 10, "accuracy": 0.9, "judge_id": "model:other"}))
    result = _run(*args, "--judge-agreement", str(agree))
    assert result.returncode == 2 and "measures judge 'model:other'" in result.stderr
    agree.write_text(json.dumps({"n": 10, "accuracy": 1.5}))
    result = _run(*args, "--judge-agreement", str(agree))
    assert result.returncode == 2
    assert "accuracy: expected a number in [0, 1], got 1.5" in result.stderr
