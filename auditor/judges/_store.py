"""Judging stored generations: verdicts go beside the generations; nothing is regenerated."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from auditor.judges._protocol import Judge
from auditor.judges._trace import analyze_trace

if TYPE_CHECKING:
    from auditor.store import GenerationRecord, Store

log = logging.getLogger(__name__)


def request_text(record: GenerationRecord) -> str:
    """The user's request in a stored generation: its last user turn (else the prompt text)."""
    try:
        messages = json.loads(record.prompt_json) if record.prompt_json else []
    except json.JSONDecodeError:
        messages = []
    for message in reversed(messages if isinstance(messages, list) else []):
        if isinstance(message, dict) and message.get("role") == "user":
            return str(message.get("content", ""))
    return record.prompt_text


def judge_store(
    store: Store,
    judge: Judge,
    *,
    model: str | None = None,
    suite: str | None = None,
    rejudge: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Judge every stored generation that has no verdict from this judge (and rubric) yet.

    Each verdict is committed as soon as it is made, with the reasoning-trace analysis in
    ``trace_json`` when the generation captured a trace. ``rejudge`` replaces existing verdicts
    of this judge. Returns the number of verdicts written.
    """
    written = 0
    for record in store.generations(model=model, suite=suite):
        if record.id is None:
            continue
        if not rejudge and store.has_verdict(record.id, judge.judge_id, judge.rubric_hash):
            if progress is not None:
                progress(1)
            continue
        verdict = judge.judge(
            request_text(record), record.response, record.reasoning, error=record.error
        )
        trace_json = (
            analyze_trace(record.reasoning, verdict.verdict).to_json() if record.reasoning else ""
        )
        store.put_verdict(record.id, verdict, trace_json)
        written += 1
        if progress is not None:
            progress(1)
    log.info("%s wrote %d verdicts", judge.judge_id, written)
    return written
