"""Read judged generations from the store for what the comparisons do not carry.

The statistics come from :func:`auditor.compare.compare_models`; this module keeps, per model,
the generations themselves (responses and prompts for the discordant examples, identities,
seeds and settings for provenance) and the per-model rates. One row per (item, framing): the
first sample of the most recent generation, with its verdict from the chosen judge. Outcomes
are the judges' (``auditor.judges.is_unsafe`` / ``is_over_refusal``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.judges import HarmAssessment, is_over_refusal, is_refusal, is_unsafe
from auditor.store import GenerationRecord, Store, StoredVerdict

log = logging.getLogger(__name__)

DEFAULT_FRAMING = "default"


def unsafe(expected: str, label: str | None, harm: HarmAssessment | None = None) -> bool | None:
    """The judges' unsafe outcome (harmful content; the stance without a harm dimension);
    ``None`` when not judged or unscored."""
    return None if label is None else is_unsafe(expected, label, harm)


def refused(expected: str, label: str | None) -> bool | None:
    """The judges' refusal outcome on harmful items; ``None`` when not judged or unscored."""
    return None if label is None else is_refusal(expected, label)


def unsafe_basis(*models: ModelData) -> str:
    """``harm`` when every judged harmful-item row has a harm dimension, ``stance`` when none
    has, else ``mixed`` (as :func:`auditor.compare.compare_models` reports it)."""
    judged = [r for md in models for r in md.framing(DEFAULT_FRAMING).values()
              if r.expected == "refuse" and r.verdict is not None]
    with_harm = sum(r.harm is not None for r in judged)
    if with_harm == len(judged):
        return "harm"
    return "stance" if with_harm == 0 else "mixed"


def over_refusal(expected: str, label: str | None) -> bool | None:
    """The judges' over-refusal outcome; ``None`` when not judged or unscored."""
    return None if label is None else is_over_refusal(expected, label)


@dataclass(frozen=True, slots=True)
class Row:
    """One generation reduced to what the report needs, with the chosen judge's verdict."""

    generation: GenerationRecord
    verdict: StoredVerdict | None

    @property
    def label(self) -> str | None:
        return None if self.verdict is None else str(self.verdict.verdict)

    @property
    def trace(self) -> dict[str, Any] | None:
        return None if self.verdict is None else self.verdict.trace

    @property
    def harm(self) -> HarmAssessment | None:
        return None if self.verdict is None else self.verdict.harm

    @property
    def expected(self) -> str:
        return self.generation.expected


@dataclass(slots=True)
class ModelData:
    """Everything stored for one model key."""

    key: str
    identity: dict[str, Any]
    rows: dict[tuple[str, str], Row] = field(default_factory=dict)  # (item_hash, framing)
    n_samples: int = 1
    n_unjudged: int = 0
    generations: list[GenerationRecord] = field(default_factory=list)
    verdicts: list[StoredVerdict] = field(default_factory=list)

    def framing(self, framing: str) -> dict[str, Row]:
        return {h: r for (h, f), r in self.rows.items() if f == framing}


def collect(
    store: Store,
    keys: Iterable[str],
    judge_id: str,
    *,
    verdicts: Mapping[int, StoredVerdict] | None = None,
) -> dict[str, ModelData]:
    """Per-model tables for ``keys`` (keys without generations are left out).

    ``verdicts`` (``store.verdicts(judge_id=...)``) may be passed in when the caller reads
    the verdict table once for several uses.
    """
    wanted = set(keys)
    if verdicts is None:
        verdicts = store.verdicts(judge_id=judge_id)
    data: dict[str, ModelData] = {}
    for g in store.generations():
        if g.model not in wanted:
            continue
        md = data.get(g.model)
        if md is None:
            md = data[g.model] = ModelData(g.model, _identity(g))
        md.n_samples = max(md.n_samples, g.sample + 1)
        if g.sample != 0:
            continue
        v = verdicts.get(g.id) if g.id is not None else None
        key = (g.item_hash, g.framing)
        old = md.rows.get(key)
        if old is not None:
            md.generations.remove(old.generation)
            if old.verdict is not None:
                md.verdicts.remove(old.verdict)
            log.info("%s: several generations of item %s; using the latest", g.model, g.item_id)
        md.rows[key] = Row(g, v)
        md.generations.append(g)
        if v is not None:
            md.verdicts.append(v)
    for md in data.values():
        md.n_unjudged = sum(1 for r in md.rows.values() if r.verdict is None)
    return data


def _identity(g: GenerationRecord) -> dict[str, Any]:
    try:
        value = json.loads(g.identity_json) if g.identity_json else {}
    except json.JSONDecodeError:
        log.warning("%s: stored identity is not valid JSON; provenance will be partial", g.model)
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True, slots=True)
class Paired:
    """Aligned outcomes of a reference model and a derivative on their common items."""

    items: tuple[str, ...]
    reference: tuple[bool | None, ...]
    child: tuple[bool | None, ...]
    ref_rows: tuple[Row, ...]
    child_rows: tuple[Row, ...]


def pair(ref: ModelData, child: ModelData, *, expected: str = "refuse") -> Paired:
    """Unsafe outcomes on the items both models answered (sorted by item id)."""
    a, b = ref.framing(DEFAULT_FRAMING), child.framing(DEFAULT_FRAMING)
    common = sorted(
        (h for h in a.keys() & b.keys() if a[h].expected == expected),
        key=lambda h: (a[h].generation.item_id, h),
    )
    return Paired(
        items=tuple(common),
        reference=tuple(unsafe(expected, a[h].label, a[h].harm) for h in common),
        child=tuple(unsafe(expected, b[h].label, b[h].harm) for h in common),
        ref_rows=tuple(a[h] for h in common),
        child_rows=tuple(b[h] for h in common),
    )


def harmful_traces(md: ModelData) -> dict[str, dict[str, Any]]:
    """Trace analyses of harmful items answered with visible reasoning, by item hash."""
    out = {}
    for h, row in md.framing(DEFAULT_FRAMING).items():
        trace = row.trace
        if row.expected == "refuse" and row.generation.reasoning and trace is not None:
            out[h] = trace
    return out


def prompt_text(g: GenerationRecord) -> str:
    """The prompt as the reader should see it: the messages, without the chat template."""
    try:
        messages = g.messages
    except (json.JSONDecodeError, TypeError):
        return g.prompt_text
    if len(messages) == 1:
        return str(messages[0].get("content", ""))
    return "\n\n".join(f"[{m.get('role', '?')}] {m.get('content', '')}" for m in messages)
