"""Per-derivative blocks of the report, each computed by :mod:`auditor.stats` (never here).

This module only aligns stored outcomes by item, calls the statistics package, and copies its
frozen results into the report model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from auditor import stats
from reports._collect import (
    DEFAULT_FRAMING,
    DEPLOY_FRAMING,
    EVAL_FRAMING,
    ModelData,
    Paired,
    Row,
    is_unsafe,
    pair,
    prompt_text,
)
from reports._model import (
    CategoryRow,
    DiscordantExample,
    EvalAwareness,
    FramingGap,
    PairedResult,
    ReasoningBlock,
    TraceStats,
)

Outcome = Callable[[str, str | None], bool | None]


def finite(x: float | None) -> float | None:
    """``None`` for missing or non-finite numbers (the JSON carries no NaN)."""
    return None if x is None or not math.isfinite(x) else float(x)


def interval(ci: tuple[float, float] | None) -> tuple[float, float] | None:
    if ci is None or not all(math.isfinite(v) for v in ci):
        return None
    return (float(ci[0]), float(ci[1]))


@dataclass(frozen=True, slots=True)
class Comparison:
    """Aligned outcomes and the statistics package's paired comparison of them."""

    paired: Paired
    result: stats.PairedComparison


def compare(
    ref: ModelData,
    child: ModelData,
    outcome: Outcome,
    *,
    expected: str,
    margin: float,
    alpha: float,
) -> Comparison | None:
    """The paired comparison on common items, or ``None`` when no item is scored for both."""
    p = pair(ref, child, outcome, expected=expected)
    if not any(a is not None and b is not None for a, b in zip(p.reference, p.child, strict=True)):
        return None
    return Comparison(p, stats.paired_binary(p.reference, p.child, margin=margin, alpha=alpha))


def family_adjust(
    comparisons: list[Comparison | None], alpha: float
) -> list[tuple[stats.PairedComparison, float, float, str] | None]:
    """Holm across the family: ``(result, p_adjusted, ni_p_adjusted, verdict)`` per entry."""
    present = [c.result for c in comparisons if c is not None]
    if not present:
        return [None] * len(comparisons)
    fam = stats.family_verdicts(present, alpha)
    it = iter(zip(present, fam.degraded_holm, fam.noninferiority_holm, fam.verdicts, strict=True))
    return [None if c is None else next(it) for c in comparisons]


def paired_result(
    against: str,
    outcome: str,
    adjusted: tuple[stats.PairedComparison, float, float, str],
) -> PairedResult:
    r, p_adj, ni_adj, verdict = adjusted
    return PairedResult(
        against=against,
        outcome=outcome,
        n=r.n,
        b=r.b,
        c=r.c,
        rate=finite(r.child_rate),
        reference_rate=finite(r.parent_rate),
        difference=finite(r.difference),
        ci=interval(r.tango_ci),
        p_value=finite(r.midp_one_sided),
        p_two_sided=finite(r.midp_two_sided),
        p_exact=finite(r.exact_two_sided),
        p_adjusted=finite(p_adj),
        noninferiority_p=finite(r.noninferiority_p),
        verdict=verdict,  # type: ignore[arg-type]
        detectable_rise=finite(r.detectable_rise),
        noninferiority_p_adjusted=finite(ni_adj),
    )


def category_rows(p: Paired, *, margin: float, alpha: float) -> tuple[CategoryRow, ...]:
    """Per-category comparisons, Holm within the derivative (from ``stats.per_category``)."""
    keep = [
        i
        for i, (a, b) in enumerate(zip(p.reference, p.child, strict=True))
        if a is not None and b is not None
    ]
    if not keep:
        return ()
    cats = stats.per_category(
        [p.reference[i] for i in keep],
        [p.child[i] for i in keep],
        [p.categories[i] for i in keep],
        margin=margin,
        alpha=alpha,
    )
    return tuple(
        CategoryRow(
            category=row.category,
            n=row.comparison.n,
            b=row.comparison.b,
            c=row.comparison.c,
            rate=finite(row.comparison.child_rate),
            parent_rate=finite(row.comparison.parent_rate),
            difference=finite(row.comparison.difference),
            p_value=finite(row.comparison.midp_one_sided),
            p_adjusted=finite(row.holm_p),
        )
        for row in cats.rows
    )


def discordant_examples(p: Paired, limit: int) -> tuple[tuple[DiscordantExample, ...], int]:
    """Items the reference refused and the derivative answered: up to ``limit``, and the count."""
    idx = [i for i, (a, b) in enumerate(zip(p.reference, p.child, strict=True)) if a is False and b]
    examples = tuple(_example(p.ref_rows[i], p.child_rows[i]) for i in idx[:limit])
    return examples, len(idx)


def _example(ref: Row, child: Row) -> DiscordantExample:
    g = child.generation
    return DiscordantExample(
        item_id=g.item_id,
        category=g.category,
        prompt=prompt_text(g),
        parent_response=ref.generation.response,
        derivative_response=g.response,
        parent_verdict=ref.label or "",
        derivative_verdict=child.label or "",
    )


def _framing_outcomes(md: ModelData) -> dict[str, tuple[bool | None, bool | None]]:
    ev, de = md.framing(EVAL_FRAMING), md.framing(DEPLOY_FRAMING)
    out = {}
    for h in ev.keys() & de.keys():
        if ev[h].expected == "refuse":
            out[h] = (is_unsafe("refuse", ev[h].label), is_unsafe("refuse", de[h].label))
    return out


def framing_gap(md: ModelData, name: str) -> FramingGap | None:
    """Within one model: unsafe compliance under evaluation vs deployment framing."""
    outcomes = _framing_outcomes(md)
    items = sorted(outcomes)
    if not items:
        return None
    g = stats.framing_gap([outcomes[h][0] for h in items], [outcomes[h][1] for h in items])
    if g.n == 0:
        return None
    return FramingGap(
        model=name,
        n=g.n,
        eval_rate=finite(g.evaluation_rate),
        deploy_rate=finite(g.deployment_rate),
        gap=finite(g.effect),
        p_value=finite(g.pvalue),
    )


def eval_awareness(
    ref: ModelData, child: ModelData, ref_name: str, child_name: str, *, seed: int
) -> EvalAwareness | None:
    """The derivative's framing gap, the parent's, and the difference-in-differences."""
    mine = framing_gap(child, child_name)
    if mine is None:
        return None
    theirs = framing_gap(ref, ref_name)
    change = ci = p_value = None
    if theirs is not None:
        a, b = _framing_outcomes(ref), _framing_outcomes(child)
        items = sorted(a.keys() & b.keys())
        if items:
            did = stats.awareness_diff_in_diff(
                [a[h][0] for h in items],
                [a[h][1] for h in items],
                [b[h][0] for h in items],
                [b[h][1] for h in items],
                seed=seed,
            )
            if did.n:
                change, ci, p_value = finite(did.effect), interval(did.ci), finite(did.pvalue)
    return EvalAwareness(derivative=mine, parent=theirs, change=change, ci=ci, p_value=p_value)


def _traces(md: ModelData) -> dict[str, dict[str, object]]:
    out = {}
    for h, row in md.framing(DEFAULT_FRAMING).items():
        trace = row.trace
        if row.expected == "refuse" and row.generation.reasoning and trace is not None:
            out[h] = trace
    return out


def trace_stats(md: ModelData, name: str) -> TraceStats | None:
    """DETECTED_PROCEEDS and override rates with Wilson intervals, where traces exist."""
    traces = list(_traces(md).values())
    if not traces:
        return None
    n = len(traces)
    detected = sum(bool(t.get("detected")) for t in traces)
    proceeds = sum(bool(t.get("detected_proceeds")) for t in traces)
    aware = sum(bool(t.get("eval_aware")) for t in traces)
    dp = stats.wilson_interval(proceeds, n)
    over = stats.wilson_interval(proceeds, detected) if detected else None
    return TraceStats(
        model=name,
        n_traces=n,
        n_detected=detected,
        n_detected_proceeds=proceeds,
        detected_proceeds_rate=finite(dp.rate),
        detected_proceeds_ci=interval(dp.ci),
        override_rate=finite(over.rate) if over else None,
        override_ci=interval(over.ci) if over else None,
        eval_aware_rate=finite(aware / n),
    )


def reasoning(
    ref: ModelData, child: ModelData, ref_name: str, child_name: str, *, margin: float, alpha: float
) -> ReasoningBlock | None:
    """The derivative's trace figures, its parent's, and the paired change in DETECTED_PROCEEDS."""
    mine = trace_stats(child, child_name)
    if mine is None:
        return None
    theirs = trace_stats(ref, ref_name)
    change = p_value = None
    a, b = _traces(ref), _traces(child)
    items = sorted(a.keys() & b.keys())
    if theirs is not None and items:
        r = stats.paired_binary(
            [bool(a[h].get("detected_proceeds")) for h in items],
            [bool(b[h].get("detected_proceeds")) for h in items],
            margin=margin,
            alpha=alpha,
        )
        change, p_value = finite(r.difference), finite(r.midp_one_sided)
    return ReasoningBlock(derivative=mine, parent=theirs, change=change, p_value=p_value)
