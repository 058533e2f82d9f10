"""Work units: (item, framing, sample) triples to generate, and their store keys."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.backends._types import GenerationConfig, GenerationRequest
from auditor.store._records import GenerationKey
from auditor.suites._item import Item, Message


@dataclass(frozen=True, slots=True)
class WorkUnit:
    """One generation to produce: an item rendered in one framing, one sample index."""

    item: Item
    framing: str
    messages: tuple[Message, ...]
    sample: int
    seed: int

    def key(self, model: str, gen_config_hash: str) -> GenerationKey:
        return GenerationKey(model, self.item.content_hash, self.framing, gen_config_hash,
                             self.sample)

    @property
    def request(self) -> GenerationRequest:
        return GenerationRequest(self.messages, self.seed)

    @property
    def prompt_json(self) -> str:
        return json.dumps(
            [{"role": m.role, "content": m.content} for m in self.messages], ensure_ascii=False
        )


def expand(items: Iterable[Item], config: GenerationConfig) -> list[WorkUnit]:
    """Every (item, framing, sample) to generate, item by item (samples of one item together)."""
    units = []
    for item in items:
        for framing, messages in item.rendered():
            for sample in range(config.samples):
                units.append(WorkUnit(item, framing, messages, sample, config.seed_for(sample)))
    return units
