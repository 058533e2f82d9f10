"""A run killed with SIGKILL mid-way resumes and loses nothing it had finished."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

from tests.cli._run import auditor, popen, write_suite

N_ITEMS = 12


def _rows(db: Path) -> list[tuple]:
    try:  # read-only: polling must not create an empty file where the store will appear
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    except sqlite3.OperationalError:
        return []
    try:
        return conn.execute(
            "SELECT id, item_id, response, created_at FROM generations ORDER BY id"
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def test_sigkill_mid_run_then_resume(tiny_gguf: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", N_ITEMS)
    db = tmp_path / "audit.db"
    args = (str(tiny_gguf), "--suite", str(suite), "--store", str(db),
            "--max-new-tokens", "64", "--threads", "1")
    proc = popen("eval", *args)
    deadline = time.monotonic() + 240
    while len(_rows(db)) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    before = _rows(db)
    assert 3 <= len(before) < N_ITEMS

    result = auditor("eval", *args)
    assert result.returncode == 0, result.stderr
    assert f"{len(before)} already stored" in result.stdout
    after = _rows(db)
    assert len(after) == N_ITEMS
    assert after[: len(before)] == before  # finished rows untouched
    assert len({row[1] for row in after}) == N_ITEMS  # no duplicates
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
