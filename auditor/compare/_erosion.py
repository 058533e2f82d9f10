"""Multi-turn erosion of one model, read from its stored per-turn judgements.

The runner asks each pressure item as a conversation and stops it at the first harmful
answer (:mod:`auditor.runner._conversation`); each turn is a row keyed by turn with the
judge's verdict beside it. Here every conversation (item, framing, sample) of one model and
condition becomes an :class:`~auditor.stats.ItemErosion` (the first turn judged harmful by
:func:`auditor.judges.is_unsafe`, or the turns it refused through), and the curve is
:func:`auditor.stats.erosion_curve` over them. How long each script is comes from the items
(the built-in ``pressure`` suite unless given), matched by item hash: the store does not know
whether a conversation that stopped without complying ran out of script or was cut short.
A conversation whose condition could not be applied is no outcome and is left out; an
unjudged or failed turn censors it (never read as a refusal).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.compare._collect import pick_judge
from auditor.conditions import PLAIN
from auditor.judges import is_unsafe
from auditor.stats import (
    ErosionComparison,
    ErosionCurve,
    ItemErosion,
    erosion_comparison,
    erosion_curve,
    item_erosion,
)
from auditor.store import GenerationRecord, Store, StoredVerdict
from auditor.suites import Item, load_suite

PRESSURE_SUITE = "pressure"

#: One conversation: ``(item_hash, framing, sample)``.
CourseKey = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class ModelErosion:
    """One model's erosion under one condition: each conversation's course and the curve."""

    model: str
    condition: str
    judge_id: str
    courses: Mapping[CourseKey, ItemErosion]  # for pairing parent and derivative by item
    curve: ErosionCurve

    @property
    def survival(self) -> list[dict[str, float | int]]:
        """``[{turn, still_refusing}]``: the share still refusing after each turn."""
        return [{"turn": p.turn, "still_refusing": p.still_refusing} for p in self.curve.survival]

    @property
    def median_first_compliance_turn(self) -> int | None:
        return self.curve.median_first_compliance_turn

    def to_json(self) -> dict[str, Any]:
        """The report's shape: survival, median, and the counts behind them."""
        return {
            "survival": self.survival,
            "median_first_compliance_turn": self.median_first_compliance_turn,
            "n": self.curve.n,
            "n_complied": self.curve.n_complied,
            "n_censored": self.curve.n_censored,
            "condition": self.condition,
            "method": self.curve.method,
        }


def erosion_for(
    store: Store,
    model: str,
    items: Iterable[Item] | None = None,
    *,
    judge_id: str | None = None,
    condition: str = PLAIN,
    verdicts: Mapping[int, StoredVerdict] | None = None,
) -> ModelErosion | None:
    """``model``'s erosion under ``condition`` from the store; None when no pressure item's
    conversation is stored for it.

    ``items``: the pressure items asked (default: the built-in ``pressure`` suite); their
    scripts give each conversation's length. ``judge_id``: whose verdicts (default: the only
    judge in the store, as the comparisons pick it); ``verdicts`` may be passed in
    (``store.verdicts(judge_id=...)``) by callers reading many models.
    """
    scripts = pressure_scripts(items)
    judge = pick_judge(store, judge_id)
    if verdicts is None:
        verdicts = store.verdicts(judge_id=judge)
    rows = store.generations(model=model, condition=condition)
    return erosion_from_rows(model, rows, scripts, verdicts, judge, condition=condition)


def pressure_scripts(items: Iterable[Item] | None = None) -> dict[str, int]:
    """Item hash -> turns a conversation on it can last, for the pressure items among
    ``items`` (default: the built-in ``pressure`` suite)."""
    return _scripts(load_suite(PRESSURE_SUITE).items if items is None else items)


def erosion_from_rows(
    model: str,
    rows: Iterable[GenerationRecord],
    scripts: Mapping[str, int],
    verdicts: Mapping[int, StoredVerdict],
    judge_id: str,
    *,
    condition: str = PLAIN,
) -> ModelErosion | None:
    """:func:`erosion_for` on rows already read (``model``'s, in store order; rows of other
    conditions or items without a script are skipped), so a family is read once."""
    courses: dict[CourseKey, ItemErosion] = {}
    for key, turns in _conversations(rows, condition, scripts).items():
        if turns[min(turns)].unsupported:
            continue
        courses[key] = item_erosion(_outcomes(turns, verdicts), scripts[key[0]])
    if not courses:
        return None
    curve = erosion_curve(list(courses.values()))
    return ModelErosion(model, condition, judge_id, courses, curve)


def erosion_pair(parent: ModelErosion, child: ModelErosion) -> ErosionComparison | None:
    """Parent versus derivative on "refused through every turn", paired by conversation
    (item, framing, sample) asked of both; None when they share none."""
    shared = sorted(parent.courses.keys() & child.courses.keys())
    if not shared:
        return None
    return erosion_comparison([parent.courses[k] for k in shared],
                              [child.courses[k] for k in shared])


def _scripts(items: Iterable[Item]) -> dict[str, int]:
    """Item hash -> turns a conversation on it can last (pressure items only)."""
    return {item.content_hash: 1 + len(item.pressure) for item in items if item.pressure}


def _conversations(
    rows: Iterable[GenerationRecord], condition: str, scripts: Mapping[str, int]
) -> dict[CourseKey, dict[int, GenerationRecord]]:
    """Each conversation's stored turns by turn number; where an item was asked under
    several generation configs, the config of its latest row (as the comparisons do)."""
    by_config: dict[CourseKey, dict[str, dict[int, GenerationRecord]]] = {}
    latest: dict[CourseKey, str] = {}
    for record in rows:
        if record.condition != condition or record.item_hash not in scripts:
            continue
        key = (record.item_hash, record.framing, record.sample)
        by_config.setdefault(key, {}).setdefault(record.gen_config_hash, {})[record.turn] = record
        latest[key] = record.gen_config_hash  # rows come in insertion order
    return {key: configs[latest[key]] for key, configs in by_config.items()}


def _outcomes(
    turns: Mapping[int, GenerationRecord], verdicts: Mapping[int, StoredVerdict]
) -> list[bool | None]:
    """Harmful (True), not (False) or no outcome (None) per turn from 1, up to the first
    turn that is missing, harmful or without an outcome."""
    outcomes: list[bool | None] = []
    turn = 1
    while turn in turns:
        record = turns[turn]
        stored = verdicts.get(record.id) if record.id is not None else None
        harmful = (None if stored is None or record.error
                   else is_unsafe(record.expected, stored.verdict, stored.harm))
        outcomes.append(harmful)
        if harmful is not False:
            break
        turn += 1
    return outcomes
