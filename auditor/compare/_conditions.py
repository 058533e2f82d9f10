"""Conditions in the family result: each model under each condition, each edge's DiD.

Per model and condition (rows asked under the condition, turn 1, paired by item with the
plain rows, :func:`auditor.compare._collect.read_conditioned`): harmful compliance and benign
refusal against plain, TI-S with its interval and the iatrogenic test, all from
:func:`auditor.stats.condition_effect`. Only ``defence:`` conditions are tested for being
iatrogenic (the issue's definition: a *defence* that makes things worse); every (model,
defence) test of the family is adjusted together by :func:`auditor.stats.iatrogenic_flags`
(Holm). Per parent -> derivative edge and condition: the difference-in-differences of each
outcome, Holm across every (edge, condition) of the family per outcome, as the main outcome.
Languages are the conditions named ``lang:<code>``. An answer the condition could not be
applied to (``unsupported``) is no outcome and is counted apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor import stats
from auditor.compare._collect import DEFAULT_FRAMING, ConditionedRow, ModelData
from auditor.compare._family_stats import over_refused, unsafe

DEFENCE_PREFIX = "defence:"
LANG_PREFIX = "lang:"


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """One model under one condition against its plain answers to the same items.

    ``iatrogenic`` is the family-adjusted flag (always ``False`` for a condition that is not
    a defence); ``compliance_p_holm`` / ``cost_p_holm`` its two Holm-adjusted p-values
    (``None`` when not tested). ``unsupported_reasons``: why items could not be asked under
    it (the stored reason and how many items gave it, most frequent first).
    """

    name: str
    effect: stats.ConditionEffect
    n_items: int  # items asked under the condition
    n_unsupported: int
    iatrogenic: bool
    compliance_p_holm: float | None
    cost_p_holm: float | None
    unsupported_reasons: tuple[tuple[str, int], ...] = ()

    @property
    def is_defence(self) -> bool:
        return self.name.startswith(DEFENCE_PREFIX)

    @property
    def language(self) -> str | None:
        """The language code of a ``lang:<code>`` condition, else ``None``."""
        return self.name.removeprefix(LANG_PREFIX) if self.name.startswith(LANG_PREFIX) else None


@dataclass(frozen=True, slots=True)
class EdgeCondition:
    """Parent versus derivative under one condition: does the derivative respond as its
    parent did? Each outcome's DiD with its Holm-adjusted p across the family."""

    name: str
    harmful_compliance: stats.ConditionDiffInDiff | None
    harmful_p_holm: float | None
    benign_refusal: stats.ConditionDiffInDiff | None
    benign_p_holm: float | None


@dataclass(frozen=True, slots=True)
class _Outcomes:
    """Plain and conditioned outcomes of one model on the items asked under a condition."""

    harmful_plain: list[bool | None]
    harmful_condition: list[bool | None]
    benign_plain: list[bool | None]
    benign_condition: list[bool | None]
    harmful_items: list[str]
    benign_items: list[str]


def _outcomes(md: ModelData, rows: Mapping[str, ConditionedRow]) -> _Outcomes:
    plain = md.framing(DEFAULT_FRAMING)
    out = _Outcomes([], [], [], [], [], [])
    for item_hash in sorted(rows):
        row = rows[item_hash]
        base = plain.get(item_hash)
        cond_label = None if row.unsupported else row.label
        if row.expected == "refuse":
            out.harmful_items.append(item_hash)
            out.harmful_plain.append(None if base is None else unsafe(
                base.expected, base.label, base.harm))
            out.harmful_condition.append(unsafe(row.expected, cond_label, row.harm))
        else:
            out.benign_items.append(item_hash)
            out.benign_plain.append(None if base is None else over_refused(
                base.expected, base.label))
            out.benign_condition.append(over_refused(row.expected, cond_label))
    return out


def model_conditions(
    data: Mapping[str, ModelData],
    conditioned: Mapping[str, Mapping[str, Mapping[str, ConditionedRow]]],
    alpha: float,
) -> dict[str, tuple[ConditionResult, ...]]:
    """``model key -> its condition results`` (by name), iatrogenic flags Holm across all."""
    effects: list[tuple[str, str, stats.ConditionEffect, int,
                        tuple[tuple[str, int], ...]]] = []
    for key, by_condition in conditioned.items():
        if key not in data:
            continue
        for name in sorted(by_condition):
            rows = by_condition[name]
            o = _outcomes(data[key], rows)
            effect = stats.condition_effect(
                name, harmful_plain=o.harmful_plain, harmful_condition=o.harmful_condition,
                benign_plain=o.benign_plain, benign_condition=o.benign_condition, alpha=alpha,
            )
            effects.append((key, name, effect, len(rows), _unsupported(rows)))
    defences = [e for e in effects if e[1].startswith(DEFENCE_PREFIX)]
    flags = stats.iatrogenic_flags([e[2].iatrogenic for e in defences], alpha) if defences \
        else None
    adjusted = {(key, name): i for i, (key, name, *_) in enumerate(defences)}
    out: dict[str, list[ConditionResult]] = {}
    for key, name, effect, n_items, reasons in effects:
        i = adjusted.get((key, name))
        flagged, compliance, cost = False, None, None
        if flags is not None and i is not None:
            flagged = flags.flagged[i]
            compliance, cost = flags.compliance_holm[i], flags.cost_holm[i]
        out.setdefault(key, []).append(ConditionResult(
            name=name, effect=effect, n_items=n_items, n_unsupported=sum(n for _, n in reasons),
            iatrogenic=flagged, compliance_p_holm=compliance, cost_p_holm=cost,
            unsupported_reasons=reasons,
        ))
    return {k: tuple(v) for k, v in out.items()}


def _unsupported(rows: Mapping[str, ConditionedRow]) -> tuple[tuple[str, int], ...]:
    """``(reason, items)`` of the rows the condition could not be applied to."""
    counts = Counter(r.reason or "no reason recorded" for r in rows.values() if r.unsupported)
    return tuple(sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def _aligned(
    ref: _Outcomes, child: _Outcomes, harmful: bool
) -> tuple[list[bool | None], ...]:
    """The four outcome lists of the items both models were asked, in one item order."""
    r_items = ref.harmful_items if harmful else ref.benign_items
    c_items = child.harmful_items if harmful else child.benign_items
    r = dict(zip(r_items, zip(*((ref.harmful_plain, ref.harmful_condition) if harmful
                                else (ref.benign_plain, ref.benign_condition)), strict=True),
                 strict=True))
    c = dict(zip(c_items, zip(*((child.harmful_plain, child.harmful_condition) if harmful
                                else (child.benign_plain, child.benign_condition)), strict=True),
                 strict=True))
    common = sorted(set(r) & set(c))
    return ([r[h][0] for h in common], [r[h][1] for h in common],
            [c[h][0] for h in common], [c[h][1] for h in common])


def _did(lists: tuple[list[bool | None], ...], seed: int) -> stats.ConditionDiffInDiff | None:
    pp, pc, cp, cc = lists
    usable = sum(None not in t for t in zip(pp, pc, cp, cc, strict=True))
    if not usable:
        return None
    return stats.condition_diff_in_diff(pp, pc, cp, cc, seed=seed)


def edge_conditions(
    edges: Sequence[tuple[str, str]],
    data: Mapping[str, ModelData],
    conditioned: Mapping[str, Mapping[str, Mapping[str, ConditionedRow]]],
    *,
    alpha: float,
    seed: int,
) -> list[tuple[EdgeCondition, ...]]:
    """Per ``(reference key, derivative key)`` edge, one record per condition both models were
    asked under; each outcome's p-values Holm-adjusted across every edge and condition."""
    raw: list[list[tuple[str, stats.ConditionDiffInDiff | None,
                         stats.ConditionDiffInDiff | None]]] = []
    for ref, child in edges:
        per_edge = []
        r_conds, c_conds = conditioned.get(ref, {}), conditioned.get(child, {})
        for name in sorted(set(r_conds) & set(c_conds)):
            if ref not in data or child not in data:
                continue
            ro, co = _outcomes(data[ref], r_conds[name]), _outcomes(data[child], c_conds[name])
            per_edge.append((name, _did(_aligned(ro, co, True), seed),
                             _did(_aligned(ro, co, False), seed)))
        raw.append(per_edge)
    harmful = _holm([d for e in raw for _, d, _ in e], alpha)
    benign = _holm([d for e in raw for _, _, d in e], alpha)
    out, i = [], 0
    for per_edge in raw:
        records = []
        for name, h, b in per_edge:
            records.append(EdgeCondition(name, h, harmful[i], b, benign[i]))
            i += 1
        out.append(tuple(records))
    return out


def _holm(tests: Sequence[stats.ConditionDiffInDiff | None], alpha: float) -> list[float | None]:
    """Holm-adjusted two-sided p-values, entry by entry (``None`` stays ``None``)."""
    present = [t.pvalue for t in tests if t is not None]
    adjusted = iter(stats.holm(present, alpha).adjusted if present else ())
    return [None if t is None else float(next(adjusted)) for t in tests]
