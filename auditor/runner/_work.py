"""Work units: (item, framing, condition, sample, turn) generations to produce, and their keys."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.backends import GenerationConfig, GenerationRequest
from auditor.conditions import PLAIN, PLAIN_CONDITION, Condition, Unsupported
from auditor.store import GenerationKey
from auditor.suites import Item, Message


@dataclass(frozen=True, slots=True)
class WorkUnit:
    """One generation to produce: an item's conversation in one framing and condition.

    ``messages`` are sent as they are, so a multi-turn runner builds turn ``k`` by putting the
    model's earlier replies into them and setting ``turn``. ``prefill`` opens the assistant's
    answer. ``unsupported`` (non-empty) says why the condition cannot be applied to this
    item: the unit is stored as that outcome and never sent to the model.
    """

    item: Item
    framing: str
    messages: tuple[Message, ...]
    sample: int
    seed: int
    condition: str = PLAIN
    turn: int = 1
    prefill: str = ""
    unsupported: str = ""

    def key(self, model: str, gen_config_hash: str) -> GenerationKey:
        return GenerationKey(model, self.item.content_hash, self.framing, gen_config_hash,
                             self.sample, self.condition, self.turn)

    @property
    def request(self) -> GenerationRequest:
        return GenerationRequest(self.messages, self.seed, self.prefill, self.item.tools)

    @property
    def prompt_json(self) -> str:
        """The messages sent, the prefill as the final (open) assistant message."""
        messages = [{"role": m.role, "content": m.content} for m in self.messages]
        if self.prefill:
            messages.append({"role": "assistant", "content": self.prefill})
        return json.dumps(messages, ensure_ascii=False)


def expand(
    items: Iterable[Item], config: GenerationConfig, conditions: Sequence[Condition] = ()
) -> list[WorkUnit]:
    """Every (item, framing, condition, sample) to generate, item by item: the plain
    conversation first, then each condition that asks the item, so an item's paired results
    are made together."""
    units = []
    for item in items:
        for framing, messages in item.rendered():
            for condition in (PLAIN_CONDITION, *conditions):
                if condition.asks(item):
                    units.extend(_units(item, framing, messages, condition, config))
    return units


def _units(item: Item, framing: str, messages: tuple[Message, ...], condition: Condition,
           config: GenerationConfig) -> list[WorkUnit]:
    applied = condition.apply(item, messages)
    if isinstance(applied, Unsupported):
        sent, prefill, reason = messages, "", applied.reason
    else:
        sent, prefill, reason = applied.messages, applied.prefill, ""
    return [WorkUnit(item, framing, sent, sample, config.seed_for(sample), condition.name,
                     prefill=prefill, unsupported=reason)
            for sample in range(config.samples)]
