"""Reading response tables (CSV, TSV, JSON lines, JSON or Parquet, through the one table
reader :mod:`auditor.tables`) and judging them row by row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.jsonio import dumps
from auditor.judges._action_items import ActionItems, action_for_row
from auditor.judges._protocol import Judge
from auditor.judges._trace import TraceAnalysis, analyze_trace
from auditor.outputs import atomic_open
from auditor.tables import Row, read_rows

JudgedRow = dict[str, Any]


def read_table(path: Path) -> list[Row]:
    """Rows of a response table; a missing or malformed file is an :class:`InputError`
    naming the line."""
    return read_rows(path)[1]


def require_columns(rows: Sequence[Row], path: Path, columns: Iterable[str | None]) -> None:
    """Raise a clear error naming the available columns when one is missing."""
    if not rows:
        raise InputError(f"{path}: no rows")
    present = set().union(*(row.values.keys() for row in rows))
    for column in columns:
        if column is not None and column not in present:
            available = ", ".join(sorted(present))
            raise InputError(f"{path}: no column {column!r} (columns: {available})")


def cell(row: Row, column: str) -> str:
    """A cell as text (missing or null -> "")."""
    value = row.values.get(column)
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
    items: ActionItems | None = None,
) -> Iterator[JudgedRow]:
    """Each input row's values with ``verdict`` and ``evidence`` (and trace fields) added.

    ``harm`` (``harmful`` | ``not_harmful`` | ``unclear``), ``harm_score`` in [0, 1] and
    ``harm_evidence`` give the harm dimension; both are null for a judge without one (or an
    error).

    Rows that carry ``tool_calls`` (``auditor results`` of a store with agentic items) also
    get ``action`` (``refused`` | ``acted`` | ``partial_action`` | ``no_tools``; null when the
    item is unknown or the generation failed) and ``action_evidence`` (the matching call);
    the item comes from ``items`` or the built-in suite the row names.

    With ``reasoning_col``, each row's trace analysis is also appended to ``traces`` (when a
    list is given) for per-file aggregates.
    """
    for row in rows:
        reasoning = cell(row, reasoning_col) if reasoning_col else ""
        judged = judge.judge(cell(row, prompt_col), cell(row, response_col), reasoning)
        out = dict(row.values)
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
        if "tool_calls" in row.values:
            items = items or ActionItems()
            action = action_for_row(items, row.values, cell(row, response_col), judged, row.line)
            out["action"] = None if action is None else action.action.value
            out["action_evidence"] = None if action is None else action.evidence_json()
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


def write_jsonl_atomic(rows: Iterable[JudgedRow], out: Path) -> int:
    """Write rows as JSONL to ``out`` atomically, so a failure leaves no half file."""
    count = 0
    with atomic_open(out) as fh:
        for row in rows:
            fh.write(dumps(row, default=str) + "\n")
            count += 1
    return count
