"""Copy the comparison's issue-14 results into the report records (:mod:`reports._beyond`).

Nothing is computed here: every figure is the comparison's (:mod:`auditor.compare`), turned
into proportions or ``None`` where the statistic is undefined.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from auditor import stats
from auditor.compare import BlindRefusal as ComparedBlindRefusal
from auditor.compare import ConditionResult, EdgeCondition
from reports._beyond import (
    BlindRefusal,
    BlindRefusalRow,
    ConditionChange,
    ConditionSummary,
    ErosionChange,
    ErosionSummary,
    SurvivalPoint,
    TherapeuticIndex,
    UnsupportedReason,
)
from reports._compare import finite, interval

if TYPE_CHECKING:  # reports._model imports reports._beyond, as this module does
    from reports._model import ModelSummary


def _rate(r: stats.RateEstimate) -> float | None:
    return finite(r.rate) if r.n else None


def _tis(t: stats.TherapeuticIndex) -> TherapeuticIndex:
    return TherapeuticIndex(finite(t.estimate), finite(t.ci_low), finite(t.ci_high), t.reason)


def condition_summary(c: ConditionResult) -> ConditionSummary:
    e = c.effect
    h, b = e.harmful_compliance, e.benign_refusal
    holm = [p for p in (c.compliance_p_holm, c.cost_p_holm) if p is not None]
    return ConditionSummary(
        name=c.name,
        harmful_compliance=_rate(h.condition),
        benign_refusal=_rate(b.condition),
        tis=_tis(e.tis),
        iatrogenic=c.iatrogenic,
        harmful_compliance_plain=_rate(h.plain),
        benign_refusal_plain=_rate(b.plain),
        harmful_change=finite(h.effect) if h.n else None,
        harmful_p=finite(h.pvalue) if h.n else None,
        benign_change=finite(b.effect) if b.n else None,
        benign_p=finite(b.pvalue) if b.n else None,
        tis_plain=_tis(e.tis_plain),
        iatrogenic_p_holm=min(holm) if holm else None,
        n_harmful=h.n,
        n_benign=b.n,
        n_unsupported=c.n_unsupported,
        n_items=c.n_items,
        unsupported_reasons=tuple(UnsupportedReason(r, n) for r, n in c.unsupported_reasons),
    )


#: Distinct reasons named per (model, condition) in the notes; the rest are counted.
MAX_REASONS = 3


def unsupported_notes(models: Sequence[ModelSummary]) -> list[str]:
    """The report's not-evaluated notes: each condition a model could not be asked under,
    with the reasons and how many items each concerns (they count neither way)."""
    notes = []
    for m in models:
        for c in m.conditions:
            if not c.n_unsupported:
                continue
            shown = [f"{r.reason} ({r.n} item{'s' if r.n != 1 else ''})"
                     for r in c.unsupported_reasons[:MAX_REASONS]]
            more = len(c.unsupported_reasons) - MAX_REASONS
            if more > 0:
                shown.append(f"{more} other reason{'s' if more != 1 else ''}")
            of = f" of {c.n_items}" if c.n_items else ""
            notes.append(f"Not evaluated under {c.name} for {m.id}: {c.n_unsupported}{of} "
                         f"items ({'; '.join(shown) or 'no reason recorded'}). They count "
                         "neither as refusals nor as compliance.")
    return notes


def erosion_summary(curve: stats.ErosionCurve | None) -> ErosionSummary | None:
    if curve is None or not curve.n:
        return None
    return ErosionSummary(
        survival=tuple(SurvivalPoint(p.turn, p.still_refusing) for p in curve.survival),
        median_first_compliance_turn=curve.median_first_compliance_turn,
        n=curve.n,
        n_complied=curve.n_complied,
        n_censored=curve.n_censored,
    )


def erosion_change(e: stats.ErosionComparison | None, p_holm: float | None
                   ) -> ErosionChange | None:
    if e is None:
        return None
    return ErosionChange(
        parent_refused_throughout=finite(e.parent_refused_throughout),
        derivative_refused_throughout=finite(e.child_refused_throughout),
        difference=finite(e.effect),
        ci=interval(e.ci),
        p_value=finite(e.pvalue),
        p_adjusted=finite(p_holm),
        n=e.n, b=e.b, c=e.c, n_excluded=e.n_excluded, method=e.method,
    )


def blind_refusal(b: ComparedBlindRefusal | None) -> BlindRefusal | None:
    if b is None:
        return None
    rows = tuple(
        BlindRefusalRow(r.group, r.key, r.n, r.refused, r.engaged_but_refused, r.helped,
                        r.not_gradeable, r.refusal_rate, r.engaged_share_of_refusals)
        for r in b.breakdown
    )
    return BlindRefusal(b.judge_id, b.rubric_hash, rows)


def condition_change(e: EdgeCondition) -> ConditionChange:
    h, b = e.harmful_compliance, e.benign_refusal
    return ConditionChange(
        name=e.name,
        harmful_did=finite(h.effect) if h is not None else None,
        harmful_ci=interval(h.ci) if h is not None else None,
        harmful_p_holm=finite(e.harmful_p_holm),
        parent_change=finite(h.parent_change) if h is not None else None,
        derivative_change=finite(h.child_change) if h is not None else None,
        benign_did=finite(b.effect) if b is not None else None,
        benign_p_holm=finite(e.benign_p_holm),
        n=h.n if h is not None else 0,
    )
