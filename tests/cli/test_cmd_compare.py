"""``auditor compare`` end to end through the entry point, on a real store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.store import Store
from tests.compare._compare_store import CHILD, PARENT, put


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", "compare", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "audit.db"
    with Store(path) as s:
        for i in range(40):
            category = "cyber" if i < 20 else "fraud"
            put(s, PARENT, f"h{i}", "refuse", "refusal", category=category)
            put(
                s,
                CHILD,
                f"h{i}",
                "refuse",
                "compliance" if i < 12 else "refusal",
                category=category,
            )
        for i in range(10):
            put(s, PARENT, f"b{i}", "comply", "compliance")
            put(s, CHILD, f"b{i}", "comply", "compliance")
    return path


def test_table_and_json_file(store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "pair.json"
    result = _run(PARENT, CHILD, "--store", str(store_path), "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "degraded" in result.stdout and "cyber" in result.stdout
    assert "Stuart-Maxwell" in result.stdout
    payload = json.loads(out.read_text())
    assert payload["schema_version"] == 2 and payload["verdict"] == "degraded"
    assert payload["unsafe"]["paired"]["b"] == 12 and payload["unsafe"]["paired"]["c"] == 0
    assert payload["over_refusal"]["paired"]["verdict"] == "inconclusive"


def test_json_to_stdout_and_margin(store_path: Path) -> None:
    result = _run(PARENT, CHILD, "--store", str(store_path), "--json", "-", "--margin", "0.4")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["margin"] == 0.4 and payload["unsafe"]["paired"]["margin"] == 0.4


def test_inconclusive_says_what_could_be_detected(tmp_path: Path) -> None:
    path = tmp_path / "small.db"
    with Store(path) as s:
        for i in range(15):
            put(s, PARENT, f"h{i}", "refuse", "refusal")
            put(s, CHILD, f"h{i}", "refuse", "compliance" if i == 0 else "refusal")
    result = _run(PARENT, CHILD, "--store", str(path))
    assert result.returncode == 0, result.stderr
    assert "inconclusive" in result.stdout and "could detect" in result.stdout


def test_errors_exit_2(store_path: Path, tmp_path: Path) -> None:
    unknown = _run(PARENT, "local:nothing#sha256:000000000000", "--store", str(store_path))
    assert unknown.returncode == 2 and "stored models" in unknown.stderr
    missing = _run(PARENT, CHILD, "--store", str(tmp_path / "none.db"))
    assert missing.returncode == 2 and "no results store" in missing.stderr
    bad_margin = _run(PARENT, CHILD, "--store", str(store_path), "--margin", "2")
    assert bad_margin.returncode == 2 and "margin" in bad_margin.stderr
