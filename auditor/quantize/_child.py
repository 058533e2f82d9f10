"""Run a quantizing tool in a child Python process: a crash, a failure or a run past its time
becomes a :class:`QuantizationError` (a reason in the report), never the end of the audit."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from auditor.errors import QuantizationError

#: Why a finished child failed, from what it left (its exit status and stderr).
Reason = Callable[["subprocess.CompletedProcess[str]"], str]


def run_child(command: list[str], *, tool: str, label: str | None, made: Path, timeout_s: int,
              cwd: Path | None = None, env: Mapping[str, str] | None = None,
              reason: Reason | None = None) -> None:
    """Run ``command``; it succeeded when it exits 0 and ``made`` exists. ``tool`` and
    ``label`` name it in the error: "<tool> failed (<label>): <why>", where ``why`` is
    ``reason(done)``, by default the signal that killed it or its last stderr line."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace",
                              timeout=timeout_s, check=False, cwd=cwd, env=env)
    except subprocess.TimeoutExpired as exc:
        raise QuantizationError(f"{tool} ran past {timeout_s} s") from exc
    if done.returncode == 0 and made.exists():
        return
    why = (reason or _signal_or_last_line)(done)
    raise QuantizationError(f"{tool} failed ({label}): {why}" if label else
                            f"{tool} failed: {why}")


def _signal_or_last_line(done: subprocess.CompletedProcess[str]) -> str:
    if done.returncode < 0:
        return f"killed by signal {-done.returncode}"
    last = [line for line in done.stderr.splitlines() if line.strip()][-1:]
    return last[0][:500] if last else "no output"
