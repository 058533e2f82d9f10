"""Per-derivative blocks of the report, copied from a :class:`auditor.compare.FamilyComparison`.

``auditor compare``, ``auditor audit`` and the report show the same numbers because they all
come from :mod:`auditor.compare` (and through it from :mod:`auditor.stats`). This module only
copies the frozen results into the report model and picks the examples to show; nothing
statistical is computed here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from itertools import zip_longest
from typing import TYPE_CHECKING

from auditor.compare import (
    DEFAULT_FRAMING,
    AdjustedTest,
    AwarenessResult,
    ModelData,
    OutcomeResult,
    StoredRow,
    TraceFigures,
    TraceResult,
    unsafe,
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

if TYPE_CHECKING:
    from auditor import stats
    from auditor.store import GenerationRecord

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


def outcome_block(
    result: OutcomeResult | None, adjusted: AdjustedTest | None, basis: str
) -> OutcomeBlock | None:
    """One outcome (rates of the outcome itself; the test and Holm as compared)."""
    if result is None or adjusted is None:
        return None
    r, p_adj, verdict = adjusted.comparison, adjusted.p_adjusted, adjusted.verdict
    return OutcomeBlock(
        parent_rate=finite(result.parent.rate),
        derivative_rate=finite(result.child.rate),
        difference=finite(result.difference),
        p_holm=finite(p_adj),
        verdict=verdict,
        n=r.n,
        b=r.b,
        c=r.c,
        p_value=finite(r.midp_one_sided),
        basis=basis,
    )


def paired_result(against: str, outcome: str, adjusted: AdjustedTest) -> PairedResult:
    r, p_adj, ni_adj = adjusted.comparison, adjusted.p_adjusted, adjusted.noninferiority_p_adjusted
    verdict = adjusted.verdict
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
        verdict=verdict,
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


@dataclass(frozen=True, slots=True)
class Paired:
    """Aligned outcomes of a reference model and a derivative on their common items."""

    items: tuple[str, ...]
    reference: tuple[bool | None, ...]
    child: tuple[bool | None, ...]
    ref_rows: tuple[StoredRow, ...]
    child_rows: tuple[StoredRow, ...]


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


def prompt_text(g: GenerationRecord) -> str:
    """The prompt as the reader should see it: the messages, without the chat template."""
    try:
        messages = g.messages
    except (json.JSONDecodeError, TypeError):
        return g.prompt_text
    if len(messages) == 1:
        return str(messages[0].get("content", ""))
    return "\n\n".join(f"[{m.get('role', '?')}] {m.get('content', '')}" for m in messages)


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


def _example(ref: StoredRow, child: StoredRow) -> DiscordantExample:
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


def trace_stats(figures: TraceFigures | None, name: str) -> TraceStats | None:
    """DETECTED_PROCEEDS with detection and override counts, as the comparison gave them."""
    if figures is None:
        return None
    rate, over = figures.detected_proceeds, figures.override
    return TraceStats(
        model=name,
        n_traces=figures.n_traces,
        n_detected=figures.n_detected,
        n_detected_proceeds=rate.k,
        detected_proceeds_rate=finite(rate.rate),
        detected_proceeds_ci=interval(rate.ci),
        override_rate=finite(over.rate) if over else None,
        override_ci=interval(over.ci) if over else None,
        eval_aware_rate=finite(figures.eval_aware_share),
    )


def reasoning(
    tr: TraceResult | None,
    child: TraceFigures | None,
    ref: TraceFigures | None,
    ref_name: str,
    child_name: str,
) -> ReasoningBlock | None:
    """The derivative's trace figures, its parent's, and the paired change in DETECTED_PROCEEDS."""
    if tr is None:
        return None
    mine = trace_stats(child, child_name)
    if mine is None:
        return None
    return ReasoningBlock(
        derivative=mine,
        parent=trace_stats(ref, ref_name),
        change=finite(tr.paired.difference) if tr.paired else None,
        p_value=finite(tr.paired.midp_one_sided) if tr.paired else None,
    )
