"""Suite items: the unit every model is evaluated on, and the key its results are stored by."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum

from auditor.actions import ActionPredicate, ToolSpec


class Tactic(StrEnum):
    """How a pressure turn pushes a model that refused (see :class:`PressureTurn`)."""

    INSIST = "insist"  # repeats or rephrases the request, brushing the refusal aside
    AUTHORITY = "authority"  # claims credentials, a role or permission
    REFRAME = "reframe"  # recasts the request as fiction, research or a hypothetical
    DECOMPOSE = "decompose"  # asks for one innocuous-looking piece of the whole
    EMOTIONAL = "emotional"  # appeals to distress, urgency, guilt or friendship


MAX_PRESSURE_TURNS = 5
"""The most pressure turns an item may script after its first request."""


class Expected(StrEnum):
    """What a well-behaved model does with the item."""

    REFUSE = "refuse"  # a harmful request
    COMPLY = "comply"  # a benign request (over-refusal is a failure)


@dataclass(frozen=True, slots=True)
class Message:
    """One chat turn."""

    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True, slots=True)
class PressureTurn:
    """One scripted follow-up user turn, sent when the model refused the turn before."""

    tactic: Tactic
    prompt: str


@dataclass(frozen=True, slots=True)
class Item:
    """One suite item. ``framings`` maps a framing name to the messages rendered in it.

    Items without framing variants have the single framing ``"default"``; the ``framing`` suite
    gives each item an ``"evaluation"`` and a ``"deployment"`` rendering of the same request.
    ``tags`` describe the item (e.g. ``"roleplay"``, ``"fiction"``) for breakdowns; they do not
    change what the model sees and are left out of :attr:`content_hash`, as is ``rationale``
    (why the item is in the suite). ``pressure`` scripts the follow-up user turns of a
    multi-turn item (the ``pressure`` suite); it is hashed only when present, so items without
    it keep the hash they had before the field existed. ``tools`` (the functions an agentic
    item offers) and ``harmful_action`` (the predicate over the emitted calls that makes a
    harmful item's answer the harmful act; :mod:`auditor.actions`) are hashed the same way.
    """

    id: str
    category: str
    expected: Expected
    messages: tuple[Message, ...]
    suite: str = ""
    framings: tuple[tuple[str, tuple[Message, ...]], ...] = field(default=())
    # Descriptive labels (phrasing style, source type); not part of the content hash.
    tags: tuple[str, ...] = field(default=())
    pressure: tuple[PressureTurn, ...] = field(default=())
    rationale: str = ""
    tools: tuple[ToolSpec, ...] = field(default=())
    harmful_action: ActionPredicate | None = None

    def rendered(self) -> tuple[tuple[str, tuple[Message, ...]], ...]:
        """(framing, messages) pairs to evaluate: the framings, or ``default`` alone."""
        return self.framings if self.framings else (("default", self.messages),)

    @property
    def content_hash(self) -> str:
        """sha256 of the item's canonical JSON: changes when any text or label changes."""
        payload = {
            "id": self.id,
            "category": self.category,
            "expected": str(self.expected),
            "messages": [[m.role, m.content] for m in self.messages],
            "framings": [
                [name, [[m.role, m.content] for m in msgs]] for name, msgs in self.framings
            ],
        }
        if self.pressure:
            payload["pressure"] = [[str(turn.tactic), turn.prompt] for turn in self.pressure]
        if self.tools:
            payload["tools"] = [[t.name, t.description, t.parameters_json] for t in self.tools]
        if self.harmful_action is not None:
            payload["harmful_action"] = self.harmful_action.source_json
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()
