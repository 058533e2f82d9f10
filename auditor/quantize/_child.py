"""Run a quantizing tool in a child Python process: a crash, a failure or a run past its time
becomes a :class:`QuantizationError` (a reason in the report), never the end of the audit."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from auditor.errors import QuantizationError


def run_child(command: list[str], *, tool: str, label: str, made: Path, timeout_s: int,
              cwd: Path | None = None, env: Mapping[str, str] | None = None) -> None:
    """Run ``command``; it succeeded when it exits 0 and ``made`` exists. ``tool`` and
    ``label`` name it in the error: "<tool> failed (<label>): <its last stderr line>"."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace",
                              timeout=timeout_s, check=False, cwd=cwd, env=env)
    except subprocess.TimeoutExpired as exc:
        raise QuantizationError(f"{tool} ran past {timeout_s} s") from exc
    if done.returncode == 0 and made.exists():
        return
    last = [line for line in done.stderr.splitlines() if line.strip()][-1:]
    if done.returncode < 0:
        why = f"killed by signal {-done.returncode}"
    else:
        why = last[0][:500] if last else "no output"
    raise QuantizationError(f"{tool} failed ({label}): {why}")
