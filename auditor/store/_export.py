"""Export stored generations (with their verdicts) as flat rows: JSONL or CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO, Any

from auditor.jsonio import dumps
from auditor.store._records import GenerationRecord, StoredVerdict
from auditor.store._sqlite import Store

EXPORT_SCHEMA_VERSION = 2  # 2: condition and turn

BASE_COLUMNS = (
    "schema_version",
    "generation_id",
    "model",
    "suite",
    "item_id",
    "category",
    "expected",
    "framing",
    "condition",
    "turn",
    "sample",
    "seed",
    "prompt",
    "response",
    "reasoning",
    "finish_reason",
    "error",
    "n_prompt_tokens",
    "n_completion_tokens",
    "backend",
    "chat_template",
    "item_hash",
    "gen_config_hash",
    "prompt_text",
    "created_at",
)
VERDICT_COLUMNS = ("verdict", "judge_id", "rubric_hash", "evidence", "trace")
TOOL_COLUMNS = ("tool_calls", "tool_prompt")  # in every row once a store holds agentic items


def prompt_as_text(record: GenerationRecord) -> str:
    """The prompt messages as plain text: the user text alone for a single user turn, else
    ``role: content`` paragraphs."""
    messages = record.messages
    if len(messages) == 1 and messages[0].get("role") == "user":
        return str(messages[0].get("content", ""))
    return "\n\n".join(f"{m.get('role')}: {m.get('content')}" for m in messages)


def export_rows(
    store: Store, *, model: str | None = None, judge_id: str | None = None
) -> Iterator[dict[str, Any]]:
    """One flat row per generation; verdict columns are added when the store has verdicts
    (the most recent verdict per generation, or ``judge_id``'s), tool columns when it holds
    agentic items (``tool_calls``: a list of ``{name, arguments}``, empty for other items)."""
    verdicts = store.verdicts(judge_id=judge_id) if store.judges() else None
    tools = store.has_tool_calls()
    for record in store.generations(model=model):
        identity = record.identity
        row: dict[str, Any] = {
            "schema_version": EXPORT_SCHEMA_VERSION,
            "generation_id": record.id,
            "model": record.model,
            "suite": record.suite,
            "item_id": record.item_id,
            "category": record.category,
            "expected": record.expected,
            "framing": record.framing,
            "condition": record.condition,
            "turn": record.turn,
            "sample": record.sample,
            "seed": record.seed,
            "prompt": prompt_as_text(record),
            "response": record.response,
            "reasoning": record.reasoning,
            "finish_reason": record.finish_reason,
            "error": record.error,
            "n_prompt_tokens": record.n_prompt_tokens,
            "n_completion_tokens": record.n_completion_tokens,
            "backend": identity.get("backend", ""),
            "chat_template": identity.get("chat_template", ""),
            "item_hash": record.item_hash,
            "gen_config_hash": record.gen_config_hash,
            "prompt_text": record.prompt_text,
            "created_at": record.created_at,
        }
        if tools:
            row["tool_calls"] = [call.to_json() for call in record.tool_calls]
            row["tool_prompt"] = record.tool_prompt
        if verdicts is not None:
            row.update(_verdict_columns(verdicts.get(record.id or -1)))
        yield row


def _verdict_columns(verdict: StoredVerdict | None) -> dict[str, Any]:
    if verdict is None:
        return dict.fromkeys(VERDICT_COLUMNS, "")
    return {
        "verdict": str(verdict.verdict),
        "judge_id": verdict.judge_id,
        "rubric_hash": verdict.rubric_hash,
        "evidence": dumps(
            [{"start": e.start, "end": e.end, "text": e.text, "reason": e.reason}
             for e in verdict.evidence]
        ),
        "trace": verdict.trace_json,
    }


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write rows as JSON lines; return how many."""
    count = 0
    for row in rows:
        out.write(dumps(row) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write rows as CSV with a header (columns of the first row); return how many."""
    writer: csv.DictWriter[str] | None = None
    count = 0
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow({k: dumps(v) if isinstance(v, list | dict) else v
                         for k, v in row.items()})
        count += 1
    if writer is None:
        csv.writer(out, lineterminator="\n").writerow(BASE_COLUMNS)
    return count
