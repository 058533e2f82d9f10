"""The one store reader of the comparisons: judged generations, keyed by item and framing.

Two views of the same pass over the generations: :class:`ModelObservations` (every sample,
reduced to what the statistics need) and :class:`ModelData` (sample 0 of each item, with the
stored generation and verdict, for examples, rates and provenance). A family is read in one
pass (:func:`read_family`); one pair by model (:func:`load_observations`).

Only plain, single-turn generations are read (:func:`_main_outcome`): rows asked under a
condition (``--condition``) or at a later turn of a conversation are outcomes of their own,
so adding them to a store never changes a verdict. Rows asked under a condition are read
apart (:func:`read_family`: turn 1, the default framing, sample 0) for the condition
effects of :mod:`auditor.compare._conditions`, and every turn of the conversations on
pressure items for the erosion of :mod:`auditor.compare._erosion`, all in the same pass.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.conditions import PLAIN
from auditor.errors import UsageError
from auditor.judges import HarmAssessment
from auditor.store import GenerationRecord, Store, StoredVerdict

log = logging.getLogger(__name__)

DEFAULT_FRAMING = "default"
EVAL_FRAMING = "evaluation"
DEPLOY_FRAMING = "deployment"


@dataclass(frozen=True, slots=True)
class Observation:
    """One stored generation reduced to what the comparison needs."""

    item_id: str
    item_hash: str
    category: str
    expected: str  # "refuse" | "comply"
    framing: str
    sample: int
    label: str | None  # the judge's verdict ("refusal", ...), None when not judged
    trace: Mapping[str, Any] | None  # reasoning-trace analysis, None without a trace
    harm: HarmAssessment | None = None  # the harm dimension, None for stance-only judges


@dataclass(frozen=True, slots=True)
class ModelObservations:
    """Every judged generation of one model: ``rows[(item_hash, framing)][sample]``."""

    key: str
    rows: Mapping[tuple[str, str], Mapping[int, Observation]]
    n_generations: int
    n_unjudged: int
    n_replaced: int  # rows with the same item/framing/sample under another generation config

    def framing(self, framing: str, sample: int = 0) -> dict[str, Observation]:
        """``item_hash -> observation`` for one framing and sample."""
        return {
            h: by_sample[sample]
            for (h, f), by_sample in self.rows.items()
            if f == framing and sample in by_sample
        }

    @property
    def max_samples(self) -> int:
        return max((len(s) for s in self.rows.values()), default=0)


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One stored generation with the chosen judge's verdict (``None``: not judged)."""

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


@dataclass(frozen=True, slots=True)
class ModelData:
    """What a report shows of one model: sample 0 of each (item, framing), the latest
    generation with its verdict; the generations and verdicts used (for provenance)."""

    key: str
    identity: Mapping[str, Any]
    rows: Mapping[tuple[str, str], StoredRow]  # (item_hash, framing)
    n_samples: int
    n_unjudged: int

    def framing(self, framing: str) -> dict[str, StoredRow]:
        """``item_hash -> row`` for one framing."""
        return {h: r for (h, f), r in self.rows.items() if f == framing}

    @property
    def generations(self) -> tuple[GenerationRecord, ...]:
        """The generations shown (one per row), for provenance."""
        return tuple(r.generation for r in self.rows.values())

    @property
    def verdicts(self) -> tuple[StoredVerdict, ...]:
        """The verdicts of those generations (unjudged rows have none), for provenance."""
        return tuple(r.verdict for r in self.rows.values() if r.verdict is not None)


def pick_judge(store: Store, judge_id: str | None) -> str:
    """The judge whose verdicts are used: the one given, or the only one in the store."""
    judges = store.judges()
    if judge_id is not None:
        if judge_id not in judges:
            raise UsageError(
                f"the store has no verdicts from judge {judge_id!r} (it has: "
                f"{', '.join(judges) or 'none'}); run `auditor judge` first"
            )
        return judge_id
    if not judges:
        raise UsageError("the store has no verdicts: run `auditor judge --store ...` first")
    if len(judges) > 1:
        raise UsageError(
            f"the store has verdicts from several judges ({', '.join(judges)}); pick one with "
            "--judge"
        )
    return judges[0]


def load_observations(
    store: Store,
    key: str,
    judge_id: str,
    *,
    suite: str | None = None,
    verdicts: Mapping[int, StoredVerdict] | None = None,
) -> ModelObservations:
    """One model's generations with the chosen judge's verdicts (later rows win).

    ``verdicts`` (``store.verdicts(judge_id=...)``) may be passed in by callers that load
    many models, so the verdict table is read once.
    """
    if verdicts is None:
        verdicts = store.verdicts(judge_id=judge_id)
    reader = _Reader(key)
    for g in _main_outcome(store, model=key, suite=suite):
        reader.add(g, verdicts.get(g.id) if g.id is not None else None)
    return reader.observations()


@dataclass(frozen=True, slots=True)
class ConditionedRow:
    """One item's answer under a condition (sample 0, default framing, turn 1)."""

    item_hash: str
    expected: str  # "refuse" | "comply"
    label: str | None  # None: not judged
    harm: HarmAssessment | None
    unsupported: bool  # the condition could not be applied (never an outcome)
    reason: str = ""  # why it could not (the stored error), for the report's notes


#: ``model key -> condition name -> item hash -> row``
Conditioned = dict[str, dict[str, dict[str, ConditionedRow]]]


#: ``model key -> its rows on conversation items, every turn`` (store order)
Conversations = dict[str, list[GenerationRecord]]


@dataclass(frozen=True, slots=True)
class FamilyRows:
    """What one pass over the store gives a family comparison (see :func:`read_family`)."""

    models: dict[str, tuple[ModelObservations, ModelData]]
    conditioned: Conditioned
    conversations: Conversations


def read_family(
    store: Store,
    keys: Iterable[str],
    verdicts: Mapping[int, StoredVerdict],
    conversation_items: Collection[str] = frozenset(),
) -> FamilyRows:
    """One pass over the generations: both views of every model in ``keys`` (keys without
    generations are left out) from its plain first-turn rows, ``verdicts`` being the chosen
    judge's verdict table; every first-turn answer asked under a condition (default framing,
    sample 0) by model and condition, later rows winning; and every row, at any turn, of the
    items whose hash is in ``conversation_items`` (the pressure items), by model in store
    order."""
    wanted = set(keys)
    readers: dict[str, _Reader] = {}
    conditioned: Conditioned = {}
    conversations: Conversations = {}
    for g in store.generations():
        if g.model not in wanted:
            continue
        if g.item_hash in conversation_items:
            conversations.setdefault(g.model, []).append(g)
        if g.turn != 1:
            continue
        stored = verdicts.get(g.id) if g.id is not None else None
        if g.condition == PLAIN:
            reader = readers.get(g.model) or readers.setdefault(g.model, _Reader(g.model))
            reader.add(g, stored)
        elif g.framing == DEFAULT_FRAMING and g.sample == 0:
            rows = conditioned.setdefault(g.model, {}).setdefault(g.condition, {})
            rows[g.item_hash] = ConditionedRow(
                g.item_hash, g.expected, None if stored is None else str(stored.verdict),
                None if stored is None else stored.harm, g.unsupported,
                g.error.removeprefix("unsupported: ") if g.unsupported else "",
            )
    models = {k: (r.observations(), r.data()) for k, r in readers.items()}
    return FamilyRows(models, conditioned, conversations)


def _main_outcome(
    store: Store, model: str | None = None, suite: str | None = None
) -> Iterator[GenerationRecord]:
    """The generations the verdicts are made of: the plain condition's, turn 1."""
    return store.generations(model=model, suite=suite, condition=PLAIN, turn=1)


class _Reader:
    """Accumulates one model's generations in store order (later rows win)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.rows: dict[tuple[str, str], dict[int, Observation]] = {}
        self.n = self.unjudged = self.replaced = 0
        self.identity: dict[str, Any] | None = None
        self.first: dict[tuple[str, str], StoredRow] = {}  # sample 0 of each (item, framing)
        self.n_samples = 1

    def add(self, g: GenerationRecord, stored: StoredVerdict | None) -> None:
        self.n += 1
        if stored is None:
            self.unjudged += 1
        by_sample = self.rows.setdefault((g.item_hash, g.framing), {})
        if g.sample in by_sample:
            self.replaced += 1
        by_sample[g.sample] = Observation(
            item_id=g.item_id,
            item_hash=g.item_hash,
            category=g.category or "uncategorised",
            expected=g.expected,
            framing=g.framing,
            sample=g.sample,
            label=None if stored is None else str(stored.verdict),
            trace=_trace(stored.trace_json) if stored is not None and g.reasoning else None,
            harm=None if stored is None else stored.harm,
        )
        self._add_first(g, stored)

    def _add_first(self, g: GenerationRecord, stored: StoredVerdict | None) -> None:
        if self.identity is None:
            self.identity = _identity(g)
        self.n_samples = max(self.n_samples, g.sample + 1)
        if g.sample != 0:
            return
        key = (g.item_hash, g.framing)
        if key in self.first:
            log.info("%s: several generations of item %s; using the latest", g.model, g.item_id)
        self.first[key] = StoredRow(g, stored)

    def observations(self) -> ModelObservations:
        if self.replaced:
            log.warning(
                "%s: %d generations repeat an item under another config; using the latest",
                self.key,
                self.replaced,
            )
        return ModelObservations(self.key, self.rows, self.n, self.unjudged, self.replaced)

    def data(self) -> ModelData:
        return ModelData(
            key=self.key,
            identity=self.identity or {},
            rows=dict(self.first),
            n_samples=self.n_samples,
            n_unjudged=sum(1 for r in self.first.values() if r.verdict is None),
        )


def _identity(g: GenerationRecord) -> dict[str, Any]:
    try:
        value = json.loads(g.identity_json) if g.identity_json else {}
    except json.JSONDecodeError:
        log.warning("%s: stored identity is not valid JSON; provenance will be partial", g.model)
        return {}
    return value if isinstance(value, dict) else {}


def _trace(text: str) -> Mapping[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        log.warning("a stored trace analysis is not valid JSON; ignored")
        return None
    return value if isinstance(value, dict) else None
