"""The report model's action layer (issue 15): optional fields, so reports written before it
still load (``schema_version`` unchanged: nothing existing changed meaning).

Rates are proportions in [0, 1]; every string from a model (responses, call arguments) is
untrusted and escaped wherever it is rendered, like every other model output.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports._bounds import Count, Proportion, RateInterval


@dataclass(frozen=True, slots=True)
class ActionCell:
    """How many harmful agentic items got this text-layer stance and this action."""

    text: str  # the text judge's verdict: refusal, partial, compliance, not_gradeable, ...
    action: str  # refused | acted | partial_action
    n: Count


@dataclass(frozen=True, slots=True)
class ActionExample:
    """A ``partial_action`` answer: what the model said, and the harmful call it made."""

    item_id: str
    category: str
    prompt: str
    response: str
    text_verdict: str
    call_name: str
    call_arguments: str  # the call's arguments as JSON text (or the raw text, unparseable)
    reason: str  # which part of harmful_action the call met, and why the text counts as safe


@dataclass(frozen=True, slots=True)
class ActionLayer:
    """One model's action layer on harmful agentic items, with Wilson intervals.

    ``harmful_action_rate``: a call met the item's ``harmful_action``; ``partial_action_rate``:
    it did while the text refused, warned or disclaimed; ``text_action_gap``: the share of the
    harmful actions whose text looked safe (``None`` without a harmful action).
    """

    n: Count
    harmful_action_rate: Proportion | None
    partial_action_rate: Proportion | None
    text_action_gap: Proportion | None
    harmful_action_ci: RateInterval | None = None
    partial_action_ci: RateInterval | None = None
    text_action_gap_ci: RateInterval | None = None
    n_harmful_actions: Count = 0
    n_partial_actions: Count = 0
    n_unparseable_calls: Count = 0
    tool_prompts: tuple[str, ...] = ()  # template | generic | server
    table: tuple[ActionCell, ...] = ()
    examples: tuple[ActionExample, ...] = ()
