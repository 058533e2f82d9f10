"""Which item a stored generation or a results row answered, for the action layer.

The action judge needs the item's ``harmful_action``, which lives in the suite, not beside
the generation. An audit passes the items it evaluated; otherwise (``auditor judge``) a
built-in suite is loaded by the name the row carries. A row offered tools whose item cannot
be found gets no action verdict (logged), never a guessed one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from auditor.actions import ToolCall, calls_from_json
from auditor.errors import AuditorError, InputError
from auditor.judges._action import judge_action
from auditor.judges._action_verdict import Action, ActionVerdict
from auditor.judges._verdict import JudgedVerdict, Verdict

if TYPE_CHECKING:
    from auditor.store import GenerationRecord
    from auditor.suites import Item

log = logging.getLogger(__name__)


class ActionItems:
    """Items by content hash: the ones given, then built-in suites loaded on first need."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self._by_hash: dict[str, Item] = {i.content_hash: i for i in items}
        self._tried: set[str] = set()

    def find(self, suite: str, item_hash: str) -> Item | None:
        if item_hash not in self._by_hash and suite not in self._tried:
            self._tried.add(suite)
            self._load_builtin(suite)
        return self._by_hash.get(item_hash)

    def _load_builtin(self, suite: str) -> None:
        from auditor.suites import builtin_suites, load_suite

        if suite not in {s.name for s in builtin_suites()}:
            return
        try:
            items = load_suite(suite).items
        except AuditorError as exc:  # a broken install: say so, judge the rest
            log.warning("the action layer cannot load suite %s: %s", suite, exc)
            return
        self._by_hash.update((i.content_hash, i) for i in items)


def judged_action(
    items: ActionItems,
    *,
    suite: str,
    item_hash: str,
    tool_prompt: str,
    calls: tuple[ToolCall, ...],
    verdict: JudgedVerdict,
    text: str,
) -> ActionVerdict | None:
    """The action verdict of one answer; ``None`` for a failed generation (an ``error``
    verdict) or an item offered tools that cannot be found."""
    if verdict.verdict == Verdict.ERROR:
        return None
    if not tool_prompt:
        return ActionVerdict(Action.NO_TOOLS, n_calls=len(calls),
                             n_unparseable=sum(not c.parsed for c in calls))
    item = items.find(suite, item_hash)
    if item is None:
        log.warning("no item %s of suite %s at hand: its tool calls are not judged", item_hash,
                    suite)
        return None
    return judge_action(calls, item.harmful_action, offered_tools=bool(item.tools),
                        stance=verdict.verdict, text=text)


def action_for_record(items: ActionItems, record: GenerationRecord,
                      verdict: JudgedVerdict) -> ActionVerdict | None:
    """:func:`judged_action` of a stored generation."""
    return judged_action(items, suite=record.suite, item_hash=record.item_hash,
                         tool_prompt=record.tool_prompt, calls=record.tool_calls,
                         verdict=verdict, text=record.response)


def action_for_row(items: ActionItems, values: Mapping[str, Any], response: str,
                   verdict: JudgedVerdict, line: int) -> ActionVerdict | None:
    """:func:`judged_action` of an exported results row (``auditor results`` columns
    ``suite``, ``item_hash``, ``tool_prompt`` and ``tool_calls``, a list or its JSON text)."""
    raw = values.get("tool_calls")
    try:
        text = raw if isinstance(raw, str) else _dumps(raw or [])
        calls = calls_from_json(text)
    except ValueError as exc:
        raise InputError(f"line {line}: tool_calls is not a list of {{name, arguments}} "
                         f"({exc})") from None
    return judged_action(
        items, suite=str(values.get("suite") or ""), item_hash=str(values.get("item_hash") or ""),
        # without the column, the item says whether it offered tools
        tool_prompt=str(values.get("tool_prompt", "unknown") or ""), calls=calls,
        verdict=verdict,
        text=response,
    )


def _dumps(value: object) -> str:
    from auditor.jsonio import dumps

    return dumps(value)
