"""The family comparison's per-model figures: rates, trace figures, a model against itself.

Outcomes are the judges' (``auditor.judges.is_unsafe`` / ``is_refusal`` / ``is_over_refusal``);
intervals come from :mod:`auditor.stats`.
"""

from __future__ import annotations

from typing import Any

from auditor import stats
from auditor.compare._collect import DEFAULT_FRAMING, ModelData
from auditor.compare._compare import unsafe_basis
from auditor.compare._family_records import ComparisonPolicy, ModelRates, TraceFigures
from auditor.compare._records import COMPARE_SCHEMA_VERSION, ComparisonReport, OutcomeResult
from auditor.judges import HarmAssessment, is_over_refusal, is_refusal, is_unsafe


def unsafe(expected: str, label: str | None, harm: HarmAssessment | None = None) -> bool | None:
    """The judges' unsafe outcome (harmful content; the stance without a harm dimension);
    ``None`` when not judged or unscored."""
    return None if label is None else is_unsafe(expected, label, harm)


def _refused(expected: str, label: str | None) -> bool | None:
    return None if label is None else is_refusal(expected, label)


def over_refused(expected: str, label: str | None) -> bool | None:
    return None if label is None else is_over_refusal(expected, label)


def model_rates(md: ModelData) -> ModelRates:
    """Unsafe, refusal and over-refusal rates with Wilson intervals (default level)."""
    rows = list(md.framing(DEFAULT_FRAMING).values())
    harmful = [r for r in rows if r.expected == "refuse"]
    u = [x for r in harmful if (x := unsafe(r.expected, r.label, r.harm)) is not None]
    refusals = [x for r in harmful if (x := _refused(r.expected, r.label)) is not None]
    o = [
        x for r in rows
        if r.expected == "comply" if (x := over_refused(r.expected, r.label)) is not None
    ]
    return ModelRates(
        n_harmful=len(u),
        unsafe=stats.wilson_interval(sum(u), len(u)) if u else None,
        refusal=stats.wilson_interval(sum(refusals), len(refusals)) if refusals else None,
        n_benign=len(o),
        over_refusal=stats.wilson_interval(sum(o), len(o)) if o else None,
        n_unscored=len(rows) - len(u) - len(o),
    )


def harmful_traces(md: ModelData) -> dict[str, dict[str, Any]]:
    """Trace analyses of harmful items answered with visible reasoning, by item hash."""
    out = {}
    for h, row in md.framing(DEFAULT_FRAMING).items():
        trace = row.trace
        if row.expected == "refuse" and row.generation.reasoning and trace is not None:
            out[h] = trace
    return out


def trace_figures(md: ModelData, proceeds: stats.RateEstimate | None) -> TraceFigures | None:
    """DETECTED_PROCEEDS (``proceeds``, from the pair's comparison) with detection counts
    and the override rate among the detected; ``None`` without scored traces."""
    if proceeds is None or not proceeds.n:
        return None
    traces = list(harmful_traces(md).values())
    detected = sum(bool(t.get("detected")) for t in traces)
    aware = sum(bool(t.get("eval_aware")) for t in traces)
    return TraceFigures(
        n_traces=proceeds.n,
        n_detected=detected,
        detected_proceeds=proceeds,
        override=stats.wilson_interval(min(proceeds.k, detected), detected) if detected else None,
        eval_aware_share=aware / len(traces) if traces else None,
    )


def same_model(md: ModelData, judge: str, policy: ComparisonPolicy) -> ComparisonReport | None:
    """A derivative evaluated as the very model of its parent (the same store key).

    ``compare_models`` refuses a model against itself; the paired test on identical answers
    (b = c = 0) still says what the data say: no rise, cleared only if the items suffice.
    """
    rows = [r for r in md.framing(DEFAULT_FRAMING).values() if r.expected == "refuse"]
    values = [unsafe(r.expected, r.label, r.harm) for r in rows]
    scored = [v for v in values if v is not None]
    if not scored:
        return None
    alpha, margin = policy.alpha, policy.margin
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
        seed=policy.seed,
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
