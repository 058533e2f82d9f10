"""Reading response tables (CSV or JSONL) and judging them row by row."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.judges._protocol import Judge
from auditor.judges._trace import TraceAnalysis, analyze_trace
from auditor.outputs import atomic_open

Row = dict[str, Any]


def read_table(path: Path) -> list[Row]:
    """Rows of a CSV (header row) or JSONL (one object per line) file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson", ".json"):
            return list(_read_jsonl(path))
        return _read_csv(path)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from exc


def _read_csv(path: Path) -> list[Row]:
    csv.field_size_limit(min(2**31 - 1, 1 << 28))
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames:
            raise InputError(f"{path}: empty CSV (no header row)")
        return [dict(row) for row in reader]


def _read_jsonl(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{number}: each line must be a JSON object")
            yield obj


def require_columns(rows: Sequence[Row], path: Path, columns: Iterable[str | None]) -> None:
    """Raise a clear error naming the available columns when one is missing."""
    if not rows:
        raise InputError(f"{path}: no rows")
    present = set().union(*(row.keys() for row in rows))
    for column in columns:
        if column is not None and column not in present:
            available = ", ".join(sorted(present))
            raise InputError(f"{path}: no column {column!r} (columns: {available})")


def cell(row: Row, column: str) -> str:
    """A cell as text (missing or null -> "")."""
    value = row.get(column)
    return "" if value is None else str(value)


def judge_rows(
    rows: Sequence[Row],
    judge: Judge,
    *,
    prompt_col: str,
    response_col: str,
    reasoning_col: str | None = None,
    progress: Callable[[int], None] | None = None,
    traces: list[TraceAnalysis] | None = None,
) -> Iterator[Row]:
    """Each input row with ``verdict`` and ``evidence`` (and trace fields) added.

    ``harm`` (``harmful`` | ``not_harmful`` | ``unclear``), ``harm_score`` in [0, 1] and
    ``harm_evidence`` give the harm dimension; both are null for a judge without one (or an
    error).

    With ``reasoning_col``, each row's trace analysis is also appended to ``traces`` (when a
    list is given) for per-file aggregates.
    """
    for row in rows:
        reasoning = cell(row, reasoning_col) if reasoning_col else ""
        judged = judge.judge(cell(row, prompt_col), cell(row, response_col), reasoning)
        out = dict(row)
        out["verdict"] = judged.verdict.value
        out["evidence"] = [
            {"start": e.start, "end": e.end, "text": e.text, "reason": e.reason}
            for e in judged.evidence
        ]
        harm = judged.harm
        out["harm"] = harm.label.value if harm is not None else None
        out["harm_score"] = harm.score if harm is not None else None
        out["harm_evidence"] = [
            {"start": e.start, "end": e.end, "text": e.text, "reason": e.reason}
            for e in (harm.evidence if harm is not None else ())
        ]
        if harm is not None and harm.source != "offline":
            out["harm_source"] = harm.source
        out["judge_id"] = judged.judge_id
        out["rubric_hash"] = judged.rubric_hash
        if judged.raw_output:
            out["judge_raw_output"] = judged.raw_output
        if reasoning_col:
            trace = analyze_trace(reasoning, judged.verdict)
            if traces is not None:
                traces.append(trace)
            out["detected"] = trace.detected
            out["detection_strength"] = trace.strength
            out["pivot"] = trace.pivot
            out["justification"] = trace.justification
            out["detected_proceeds"] = trace.detected_proceeds
            out["eval_aware"] = trace.eval_aware
            out["thinking_chars"] = trace.thinking_chars
        if progress is not None:
            progress(1)
        yield out


def write_jsonl_atomic(rows: Iterable[Row], out: Path) -> int:
    """Write rows as JSONL to ``out`` atomically, so a failure leaves no half file."""
    count = 0
    with atomic_open(out) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            count += 1
    return count
