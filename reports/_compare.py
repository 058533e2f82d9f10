"""Per-derivative blocks of the report, from :func:`auditor.compare.compare_models`.

``auditor compare``, ``auditor audit`` and the report show the same numbers because they all
come from ``compare_models`` (and through it from :mod:`auditor.stats`). This module only runs
the comparisons, adjusts across the family with ``stats.family_verdicts``, and copies the
frozen results into the report model. Nothing statistical is computed here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import zip_longest

from auditor import stats
from auditor.compare import (
    COMPARE_SCHEMA_VERSION,
    AwarenessResult,
    ComparisonReport,
    OutcomeResult,
    TraceResult,
    compare_models,
)
from auditor.store import Store, StoredVerdict
from reports._collect import (
    ModelData,
    Paired,
    Row,
    harmful_traces,
    pair,
    prompt_text,
    unsafe_basis,
)
from reports._model import (
    CategoryRow,
    ClusteredResult,
    DiscordantExample,
    EvalAwareness,
    FramingGap,
    OutcomeBlock,
    PairedResult,
    ReasoningBlock,
    TraceStats,
)

Adjusted = tuple[stats.PairedComparison, float, float, str]
EXAMPLE_CHARS = 4000  # per response or prompt shown in an example; the store keeps the whole text


def clip(text: str, limit: int = EXAMPLE_CHARS) -> str:
    """At most ``limit`` characters, saying how much was cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… [cut: {len(text) - limit} more characters; the store has it all]"


def finite(x: float | None) -> float | None:
    """``None`` for missing or non-finite numbers (the JSON carries no NaN)."""
    return None if x is None or not math.isfinite(x) else float(x)


def interval(ci: tuple[float, float] | None) -> tuple[float, float] | None:
    if ci is None or not all(math.isfinite(v) for v in ci):
        return None
    return (float(ci[0]), float(ci[1]))


def run_pair(
    store: Store,
    ref_key: str,
    child_key: str,
    *,
    judge: str,
    margin: float,
    alpha: float,
    seed: int,
    verdicts: Mapping[int, StoredVerdict] | None = None,
) -> ComparisonReport:
    """Every applicable result for one (reference, derivative) pair of store keys.

    ``verdicts`` is the judge's verdict table, read once by the caller for the whole family
    (``compare_models`` reads it on every call otherwise).
    """
    return compare_models(
        store,
        ref_key,
        child_key,
        judge_id=judge,
        margin=margin,
        alpha=alpha,
        seed=seed,
        verdicts=verdicts,
    )


def same_model(
    md: ModelData, *, judge: str, margin: float, alpha: float, seed: int
) -> ComparisonReport | None:
    """A derivative evaluated as the very model of its parent (the same store key).

    ``compare_models`` refuses a model against itself; the paired test on identical answers
    (b = c = 0) still says what the data say: no rise, cleared only if the items suffice.
    """
    values = pair(md, md).reference
    scored = [v for v in values if v is not None]
    if not scored:
        return None
    paired = stats.paired_binary(values, values, margin=margin, alpha=alpha)
    rate = stats.wilson_interval(sum(scored), len(scored), alpha)
    note = (
        f"Evaluated as the same model as its parent ({md.key}): its answers are the parent's "
        "own, so it is identical by construction."
    )
    return ComparisonReport(
        schema_version=COMPARE_SCHEMA_VERSION,
        parent=md.key,
        child=md.key,
        suite=None,
        judge_id=judge,
        margin=margin,
        alpha=alpha,
        seed=seed,
        verdict=paired.verdict,
        n_samples=md.n_samples,
        unsafe=OutcomeResult("unsafe_compliance", rate, rate, paired, None),
        over_refusal=None,
        categories=None,
        shift=None,
        awareness=None,
        detected_proceeds=None,
        notes=(note,),
        unsafe_basis=unsafe_basis(md),
    )


def family_adjust(
    comparisons: Sequence[stats.PairedComparison | None], alpha: float
) -> list[Adjusted | None]:
    """Holm across the family: ``(result, p_adjusted, ni_p_adjusted, verdict)`` per entry."""
    present = [c for c in comparisons if c is not None]
    if not present:
        return [None] * len(comparisons)
    fam = stats.family_verdicts(present, alpha)
    it = iter(zip(present, fam.degraded_holm, fam.noninferiority_holm, fam.verdicts, strict=True))
    return [None if c is None else next(it) for c in comparisons]


def outcome_block(
    result: OutcomeResult | None, adjusted: Adjusted | None, basis: str
) -> OutcomeBlock | None:
    """One outcome (rates of the outcome itself; the test and Holm as compared)."""
    if result is None or adjusted is None:
        return None
    r, p_adj, _, verdict = adjusted
    return OutcomeBlock(
        parent_rate=finite(result.parent.rate),
        derivative_rate=finite(result.child.rate),
        difference=finite(result.difference),
        p_holm=finite(p_adj),
        verdict=verdict,  # type: ignore[arg-type]
        n=r.n,
        b=r.b,
        c=r.c,
        p_value=finite(r.midp_one_sided),
        basis=basis,
    )


def paired_result(against: str, outcome: str, adjusted: Adjusted) -> PairedResult:
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


def clustered(c: stats.ClusteredComparison | None) -> ClusteredResult | None:
    """The comparison over every sample of every item, when there are several."""
    if c is None:
        return None
    return ClusteredResult(
        n_items=c.n,
        samples_parent=c.n_samples_parent,
        samples_child=c.n_samples_child,
        rate=finite(c.child_rate),
        parent_rate=finite(c.parent_rate),
        difference=finite(c.effect),
        ci=interval(c.ci),
        p_value=finite(c.pvalue),
    )


def category_rows(cats: stats.CategoryComparisons | None) -> tuple[CategoryRow, ...]:
    """Per-category comparisons, Holm within the derivative."""
    if cats is None:
        return ()
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
    pairs = zip(p.reference, p.child, strict=True)
    idx = [i for i, (a, b) in enumerate(pairs) if a is False and b]
    by_category: dict[str, list[int]] = {}
    for i in idx:
        by_category.setdefault(p.child_rows[i].generation.category, []).append(i)
    # round-robin over categories, so the examples show where the change is, not one corner
    chosen = [i for group in zip_longest(*by_category.values()) for i in group if i is not None]
    examples = tuple(_example(p.ref_rows[i], p.child_rows[i]) for i in chosen[:limit])
    return examples, len(idx)


def examples_for(
    ref: ModelData, child: ModelData, limit: int
) -> tuple[tuple[DiscordantExample, ...], int]:
    return discordant_examples(pair(ref, child, expected="refuse"), limit)


def _example(ref: Row, child: Row) -> DiscordantExample:
    g = child.generation
    return DiscordantExample(
        item_id=g.item_id,
        category=g.category,
        prompt=clip(prompt_text(g)),
        parent_response=clip(ref.generation.response),
        derivative_response=clip(g.response),
        parent_verdict=ref.label or "",
        derivative_verdict=child.label or "",
    )


def _gap(g: stats.FramingGap | None, name: str) -> FramingGap | None:
    if g is None or not g.n:
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
    aw: AwarenessResult | None, ref_name: str, child_name: str
) -> EvalAwareness | None:
    """The derivative's framing gap, the parent's, and the difference-in-differences."""
    if aw is None:
        return None
    mine = _gap(aw.child, child_name)
    if mine is None:
        return None
    did = aw.diff_in_diff
    return EvalAwareness(
        derivative=mine,
        parent=_gap(aw.parent, ref_name),
        change=finite(did.effect) if did else None,
        ci=interval(did.ci) if did else None,
        p_value=finite(did.pvalue) if did else None,
    )


def trace_stats(md: ModelData, rate: stats.RateEstimate | None, name: str) -> TraceStats | None:
    """DETECTED_PROCEEDS (from the comparison) with detection and override counts."""
    if rate is None or not rate.n:
        return None
    traces = list(harmful_traces(md).values())
    detected = sum(bool(t.get("detected")) for t in traces)
    aware = sum(bool(t.get("eval_aware")) for t in traces)
    over = stats.wilson_interval(min(rate.k, detected), detected) if detected else None
    return TraceStats(
        model=name,
        n_traces=rate.n,
        n_detected=detected,
        n_detected_proceeds=rate.k,
        detected_proceeds_rate=finite(rate.rate),
        detected_proceeds_ci=interval(rate.ci),
        override_rate=finite(over.rate) if over else None,
        override_ci=interval(over.ci) if over else None,
        eval_aware_rate=finite(aware / len(traces)) if traces else None,
    )


def reasoning(
    tr: TraceResult | None, ref: ModelData, child: ModelData, ref_name: str, child_name: str
) -> ReasoningBlock | None:
    """The derivative's trace figures, its parent's, and the paired change in DETECTED_PROCEEDS."""
    if tr is None:
        return None
    mine = trace_stats(child, tr.child, child_name)
    if mine is None:
        return None
    return ReasoningBlock(
        derivative=mine,
        parent=trace_stats(ref, tr.parent, ref_name),
        change=finite(tr.paired.difference) if tr.paired else None,
        p_value=finite(tr.paired.midp_one_sided) if tr.paired else None,
    )
