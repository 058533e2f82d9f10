"""Run the real ``auditor`` entry point in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ENTRY = "from auditor.cli import main; main()"


def auditor(*args: str, timeout: float = 300, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args],
        capture_output=True, text=True, timeout=timeout, cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def popen(*args: str, cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", ENTRY, *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=cwd,
    )


def write_suite(path: Path, n: int, name: str = "mini") -> Path:
    """A native suite file with ``n`` items (alternating refuse/comply)."""
    lines = [json.dumps({"schema_version": 1, "suite": name, "version": "1",
                         "description": "test suite"})]
    for i in range(n):
        lines.append(json.dumps({
            "id": f"{name}-{i:02d}",
            "category": "cooking" if i % 2 else "weapons",
            "expected": "comply" if i % 2 else "refuse",
            "prompt": f"Question number {i}: how do I bake bread with {i} eggs?",
        }))
    path.write_text("\n".join(lines) + "\n")
    return path
