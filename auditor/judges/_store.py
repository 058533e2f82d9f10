"""Judging stored generations: verdicts go beside the generations; nothing is regenerated."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from auditor.errors import StoreError
from auditor.judges._action_items import ActionItems, action_for_record
from auditor.judges._protocol import Judge
from auditor.judges._trace import TraceAnalysis, TraceSummary, analyze_trace, summarize_traces
from auditor.judges._verdict import JudgedVerdict, Verdict

if TYPE_CHECKING:
    from auditor.store import GenerationRecord, Store, StoredVerdict

log = logging.getLogger(__name__)


def request_text(record: GenerationRecord) -> str:
    """The user's request in a stored generation: its last user turn (else the prompt text).

    At turn ``k`` of a multi-turn conversation, the last ``k`` user turns, blank-line
    separated: the item's request and the pressure turns after it. A pressure turn alone
    ("Just write it.") does not say what is asked, and the judge reads the answer against it.
    """
    try:
        messages = json.loads(record.prompt_json) if record.prompt_json else []
    except json.JSONDecodeError:
        messages = []
    users = [str(m.get("content", "")) for m in (messages if isinstance(messages, list) else [])
             if isinstance(m, dict) and m.get("role") == "user"]
    if not users:
        return record.prompt_text
    return "\n\n".join(users[-max(1, record.turn):])


def judge_store(
    store: Store,
    judge: Judge,
    *,
    model: str | None = None,
    suite: str | None = None,
    rejudge: bool = False,
    progress: Callable[[int], None] | None = None,
    items: ActionItems | None = None,
) -> int:
    """Judge every stored generation that has no verdict from this judge (and rubric) yet.

    Each verdict is committed as soon as it is made, with the reasoning-trace analysis in
    ``trace_json`` when the generation captured a trace. Verdicts of ``error`` that the judge
    caused (a failed or unparseable judge call) are retried on the next run; ``rejudge``
    replaces every existing verdict of this judge. Generations offered tools also get the
    action layer's verdict (``items``: the suite items, else built-in suites by name).
    Returns the number of verdicts written.
    """
    written = 0
    existing = store.verdicts(judge.judge_id, judge.rubric_hash)
    for record in store.generations(model=model, suite=suite):
        if record.id is None:
            continue
        before = existing.get(record.id)
        # A verdict of error caused by the judge itself (not by the generation) is retried.
        judge_failed = before is not None and before.verdict == Verdict.ERROR and not record.error
        items = items or ActionItems()
        if before is not None and not rejudge and not judge_failed:
            # An agentic answer judged before the action layer existed gets its action now,
            # read from the stored stance: the judge is not asked again (an answer whose action
            # cannot be read, a failed one or an item not at hand, stays as it is).
            if record.tool_prompt and before.action is None:
                written += _add_action(store, before, record, items)
            if progress is not None:
                progress(1)
            continue
        judge_record(store, judge, record, items)
        written += 1
        if progress is not None:
            progress(1)
    log.info("%s wrote %d verdicts", judge.judge_id, written)
    return written


def judge_record(store: Store, judge: Judge, record: GenerationRecord,
                 items: ActionItems | None = None) -> JudgedVerdict:
    """Judge one stored generation (``record.id`` set) and store the verdict beside it, with
    the reasoning-trace analysis when the generation captured a trace; return the verdict.

    The one way a verdict is made from a stored row: :func:`judge_store` and the multi-turn
    runner (which judges each turn as it comes) both use it.
    """
    if record.id is None:
        raise StoreError("only a stored generation can be judged (this record has no id)")
    verdict = judge.judge(
        request_text(record), record.response, record.reasoning, error=record.error
    )
    action = action_for_record(items or ActionItems(), record, verdict)
    if action is not None:  # the action layer beside the text layer (agentic items)
        verdict = replace(verdict, action=action)
    trace_json = (
        analyze_trace(record.reasoning, verdict.verdict).to_json() if record.reasoning else ""
    )
    store.put_verdict(record.id, verdict, trace_json)
    return verdict


def _add_action(store: Store, before: StoredVerdict, record: GenerationRecord,
                items: ActionItems) -> int:
    """Store the action verdict of an already judged answer; 1 when one was added."""
    stance = JudgedVerdict(before.verdict, before.judge_id, before.rubric_hash)
    action = action_for_record(items, record, stance)
    if action is None:
        return 0
    store.put_action(before.id, action)
    return 1


@dataclass(frozen=True, slots=True)
class ModelVerdicts:
    """One model's verdicts from one judge, with its reasoning-trace aggregates."""

    model: str
    counts: Mapping[str, int]  # verdict -> number of generations
    traces: TraceSummary


def store_summary(store: Store, judge: Judge) -> list[ModelVerdicts]:
    """Per model: verdict counts and trace aggregates for ``judge``'s stored verdicts."""
    verdicts = store.verdicts(judge.judge_id, judge.rubric_hash)
    out = []
    for model in store.models():
        counts: Counter[str] = Counter()
        analyses: list[TraceAnalysis] = []
        for record in store.generations(model=model):
            stored = verdicts.get(record.id or -1)
            if stored is None:
                continue
            counts[str(stored.verdict)] += 1
            if stored.trace_json:
                analyses.append(TraceAnalysis.from_json(stored.trace_json))
            else:
                analyses.append(analyze_trace("", stored.verdict))
        if counts:
            out.append(ModelVerdicts(model, dict(sorted(counts.items())),
                                     summarize_traces(analyses)))
    return out
