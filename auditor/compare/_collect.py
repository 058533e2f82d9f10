"""Read one model's judged generations from the store, keyed by item and framing."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.errors import UsageError
from auditor.judges import HarmAssessment
from auditor.store import Store, StoredVerdict

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
    rows: dict[tuple[str, str], dict[int, Observation]] = {}
    n = unjudged = replaced = 0
    for g in store.generations(model=key, suite=suite):
        n += 1
        stored = verdicts.get(g.id) if g.id is not None else None
        if stored is None:
            unjudged += 1
        by_sample = rows.setdefault((g.item_hash, g.framing), {})
        if g.sample in by_sample:
            replaced += 1
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
    if replaced:
        log.warning(
            "%s: %d generations repeat an item under another config; using the latest",
            key,
            replaced,
        )
    return ModelObservations(key, rows, n, unjudged, replaced)


def _trace(text: str) -> Mapping[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        log.warning("a stored trace analysis is not valid JSON; ignored")
        return None
    return value if isinstance(value, dict) else None
