"""Compare a parent and a derivative from stored, judged generations.

Alignment is by item content hash, so the two models are compared on exactly the items both
answered. The primary tests use sample 0 of the default framing; several samples per item add
the clustered comparison; evaluation/deployment framings add the eval-awareness section;
stored reasoning-trace analyses add DETECTED_PROCEEDS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from auditor import stats
from auditor.compare._collect import (
    DEFAULT_FRAMING,
    DEPLOY_FRAMING,
    EVAL_FRAMING,
    ModelObservations,
    Observation,
    load_observations,
    pick_judge,
)
from auditor.compare._records import (
    COMPARE_SCHEMA_VERSION,
    AwarenessResult,
    ComparisonReport,
    OutcomeResult,
    ShiftResult,
    TraceResult,
)
from auditor.errors import UsageError
from auditor.judges import HarmAssessment, Verdict, is_over_refusal, is_refusal, is_unsafe
from auditor.store import Store, StoredVerdict

Outcome = Callable[[Observation], bool | None]
_LEVELS = stats.DEFAULT_LEVELS
_KNOWN_LABELS = frozenset(v.value for v in Verdict)


def _unsafe(o: Observation) -> bool | None:
    """Harmful content on a harmful item (the harm dimension; the stance without one)."""
    if o.expected != "refuse" or o.label is None or o.label not in _KNOWN_LABELS:
        return None
    return is_unsafe(o.expected, o.label, o.harm)


def _refused(o: Observation) -> bool | None:
    return _outcome(is_refusal, o) if o.expected == "refuse" else None


def _not_refused(o: Observation) -> bool | None:
    """The refusal outcome as tested: "did not refuse", so that worse is a higher rate."""
    refused = _refused(o)
    return None if refused is None else not refused


def _over_refusal(o: Observation) -> bool | None:
    return _outcome(is_over_refusal, o) if o.expected == "comply" else None


def _outcome(fn: Callable[[str, str], bool | None], o: Observation) -> bool | None:
    if o.label is None or o.label not in _KNOWN_LABELS:
        return None
    return fn(o.expected, o.label)


def _common(
    parent: dict[str, Observation], child: dict[str, Observation], expected: str
) -> list[str]:
    hashes = [h for h in parent.keys() & child.keys() if parent[h].expected == expected]
    return sorted(hashes, key=lambda h: (parent[h].item_id, h))


def _rate(values: list[bool | None], alpha: float) -> stats.RateEstimate:
    scored = [v for v in values if v is not None]
    return stats.wilson_interval(sum(scored), len(scored), alpha)


def _outcome_result(
    parent: ModelObservations,
    child: ModelObservations,
    outcome: Outcome,
    name: str,
    expected: str,
    *,
    margin: float,
    alpha: float,
    seed: int,
    shown: Outcome | None = None,
    tested: str = "",
) -> OutcomeResult | None:
    """``outcome`` paired on common items; ``shown`` (default: ``outcome``) gives the rates."""
    p0, c0 = parent.framing(DEFAULT_FRAMING), child.framing(DEFAULT_FRAMING)
    items = _common(p0, c0, expected)
    pv = [outcome(p0[h]) for h in items]
    cv = [outcome(c0[h]) for h in items]
    keep = [i for i in range(len(items)) if pv[i] is not None and cv[i] is not None]
    if not keep:
        return None
    rate_of = shown or outcome
    clustered = gee = None
    if min(parent.max_samples, child.max_samples) > 1:
        p_samples = [_samples(parent, h, outcome) for h in items]
        c_samples = [_samples(child, h, outcome) for h in items]
        clustered = stats.clustered_comparison(p_samples, c_samples, seed=seed, alpha=alpha)
        categories = [p0[h].category for h in items] if expected == "refuse" else None
        gee = stats.gee_comparison(p_samples, c_samples, categories, alpha=alpha)
    return OutcomeResult(
        outcome=name,
        parent=_rate([rate_of(p0[items[i]]) for i in keep], alpha),
        child=_rate([rate_of(c0[items[i]]) for i in keep], alpha),
        paired=stats.paired_binary(pv, cv, margin=margin, alpha=alpha),
        clustered=clustered,
        gee=gee,
        derivative_only=tuple(p0[items[i]].item_id for i in keep if cv[i] and not pv[i]),
        parent_only=tuple(p0[items[i]].item_id for i in keep if pv[i] and not cv[i]),
        tested=tested,
    )


def _samples(m: ModelObservations, item_hash: str, outcome: Outcome) -> list[bool | None]:
    by_sample = m.rows.get((item_hash, DEFAULT_FRAMING), {})
    return [outcome(o) for _, o in sorted(by_sample.items())]


def _categories(
    parent: ModelObservations, child: ModelObservations, *, margin: float, alpha: float
) -> stats.CategoryComparisons | None:
    p0, c0 = parent.framing(DEFAULT_FRAMING), child.framing(DEFAULT_FRAMING)
    items = [
        h
        for h in _common(p0, c0, "refuse")
        if _unsafe(p0[h]) is not None and _unsafe(c0[h]) is not None
    ]
    if not items:
        return None
    return stats.per_category(
        [_unsafe(p0[h]) for h in items],
        [_unsafe(c0[h]) for h in items],
        [p0[h].category for h in items],
        margin=margin,
        alpha=alpha,
    )


def _shift(parent: ModelObservations, child: ModelObservations) -> ShiftResult | None:
    p0, c0 = parent.framing(DEFAULT_FRAMING), child.framing(DEFAULT_FRAMING)
    items = _common(p0, c0, "refuse")
    table = stats.shift_table(
        [_level(p0[h]) for h in items], [_level(c0[h]) for h in items], _LEVELS
    )
    if table.sum() == 0:
        return None
    return ShiftResult(stats.stuart_maxwell(table, _LEVELS), stats.bowker(table, _LEVELS))


def _level(o: Observation) -> str | None:
    return o.label if o.label in _LEVELS else None


def _framing_pairs(m: ModelObservations) -> dict[str, tuple[bool | None, bool | None]]:
    ev, de = m.framing(EVAL_FRAMING), m.framing(DEPLOY_FRAMING)
    return {
        h: (_unsafe(ev[h]), _unsafe(de[h]))
        for h in ev.keys() & de.keys()
        if ev[h].expected == "refuse"
    }


def _awareness(
    parent: ModelObservations, child: ModelObservations, *, seed: int
) -> AwarenessResult | None:
    pp, cp = _framing_pairs(parent), _framing_pairs(child)
    if not pp and not cp:
        return None

    def gap(pairs: dict[str, tuple[bool | None, bool | None]]) -> stats.FramingGap | None:
        items = sorted(pairs)
        result = stats.framing_gap([pairs[h][0] for h in items], [pairs[h][1] for h in items])
        return result if result.n else None

    did = None
    common = sorted(pp.keys() & cp.keys())
    if common:
        did = stats.awareness_diff_in_diff(
            [pp[h][0] for h in common],
            [pp[h][1] for h in common],
            [cp[h][0] for h in common],
            [cp[h][1] for h in common],
            seed=seed,
        )
        did = did if did.n else None
    return AwarenessResult(gap(pp) if pp else None, gap(cp) if cp else None, did)


def _proceeds(o: Observation) -> bool | None:
    if o.trace is None or o.expected != "refuse":
        return None
    return bool(o.trace.get("detected_proceeds"))


def _detected_proceeds(
    parent: ModelObservations, child: ModelObservations, *, margin: float, alpha: float
) -> TraceResult | None:
    p0, c0 = parent.framing(DEFAULT_FRAMING), child.framing(DEFAULT_FRAMING)
    pv = {h: _proceeds(o) for h, o in p0.items()}
    cv = {h: _proceeds(o) for h, o in c0.items()}
    p_scored = [v for v in pv.values() if v is not None]
    c_scored = [v for v in cv.values() if v is not None]
    if not p_scored and not c_scored:
        return None
    common = sorted(h for h in pv.keys() & cv.keys() if pv[h] is not None and cv[h] is not None)
    paired = (
        stats.paired_binary([pv[h] for h in common], [cv[h] for h in common], margin, alpha)
        if common
        else None
    )
    return TraceResult(
        _rate(list(p_scored), alpha) if p_scored else None,
        _rate(list(c_scored), alpha) if c_scored else None,
        paired,
    )


def compare_models(
    store: Store,
    parent_key: str,
    child_key: str,
    *,
    suite: str | None = None,
    judge_id: str | None = None,
    margin: float = stats.DEFAULT_MARGIN,
    alpha: float = stats.DEFAULT_ALPHA,
    seed: int = 0,
    verdicts: Mapping[int, StoredVerdict] | None = None,
) -> ComparisonReport:
    """All applicable results for one pair (model keys as stored) from judged generations.

    ``judge_id`` defaults to the only judge in the store. ``seed`` drives the permutation
    tests and bootstraps and is recorded in the report. Callers comparing many pairs may pass
    ``verdicts=store.verdicts(judge_id=...)`` once instead of having it read per call.
    """
    known = store.models()
    for key in (parent_key, child_key):
        if key not in known:
            raise UsageError(
                f"no generations for {key} in {store.path}; stored models: "
                f"{', '.join(known) or 'none'}"
            )
    if parent_key == child_key:
        raise UsageError("the parent and the derivative are the same model")
    judge = pick_judge(store, judge_id)
    if verdicts is None:
        verdicts = store.verdicts(judge_id=judge)
    parent = load_observations(store, parent_key, judge, suite=suite, verdicts=verdicts)
    child = load_observations(store, child_key, judge, suite=suite, verdicts=verdicts)
    if suite is not None and not (parent.rows and child.rows):
        raise UsageError(f"suite {suite!r} has no generations for both models in {store.path}")
    return compare_observations(
        parent, child, judge_id=judge, margin=margin, alpha=alpha, seed=seed, suite=suite
    )


def compare_observations(
    parent: ModelObservations,
    child: ModelObservations,
    *,
    judge_id: str,
    margin: float,
    alpha: float,
    seed: int,
    suite: str | None = None,
) -> ComparisonReport:
    """:func:`compare_models` on observations already read (the family reads the store once)."""
    opts = {"margin": margin, "alpha": alpha}
    unsafe = _outcome_result(
        parent, child, _unsafe, "unsafe_compliance", "refuse", margin=margin, alpha=alpha,
        seed=seed,
    )
    over = _outcome_result(
        parent, child, _over_refusal, "over_refusal", "comply", margin=margin, alpha=alpha,
        seed=seed,
    )
    refusal = _outcome_result(
        parent, child, _not_refused, "refusal", "refuse", margin=margin, alpha=alpha,
        seed=seed, shown=_refused, tested="did not refuse",
    )
    basis = unsafe_basis(parent, child)
    return ComparisonReport(
        schema_version=COMPARE_SCHEMA_VERSION,
        parent=parent.key,
        child=child.key,
        suite=suite,
        judge_id=judge_id,
        margin=margin,
        alpha=alpha,
        seed=seed,
        verdict=unsafe.paired.verdict if unsafe is not None else "inconclusive",
        n_samples=min(parent.max_samples, child.max_samples),
        unsafe=unsafe,
        over_refusal=over,
        categories=_categories(parent, child, **opts),
        shift=_shift(parent, child),
        awareness=_awareness(parent, child, seed=seed),
        detected_proceeds=_detected_proceeds(parent, child, **opts),
        notes=_notes(parent, child, unsafe) + _basis_notes(basis, judge_id),
        refusal=refusal,
        unsafe_basis=basis,
    )


class _Judged(Protocol):
    """A judged row of either view (:class:`Observation` or :class:`StoredRow`)."""

    @property
    def expected(self) -> str: ...
    @property
    def label(self) -> str | None: ...
    @property
    def harm(self) -> HarmAssessment | None: ...


class _Framed(Protocol):
    """Either view of a model (:class:`ModelObservations` or :class:`ModelData`)."""

    def framing(self, framing: str) -> Mapping[str, _Judged]: ...


def unsafe_basis(*models: _Framed) -> str:
    """Whether the harmful-item verdicts carry the harm dimension: ``harm`` when every judged
    harmful-item row (sample 0, default framing) of ``models`` has one, ``stance`` when none
    has, else ``mixed``."""
    judged = [o for m in models for o in m.framing(DEFAULT_FRAMING).values()
              if o.expected == "refuse" and o.label is not None]
    with_harm = sum(o.harm is not None for o in judged)
    if with_harm == len(judged):
        return "harm"
    return "stance" if with_harm == 0 else "mixed"


def _basis_notes(basis: str, judge: str) -> tuple[str, ...]:
    if basis == "harm":
        return ()
    which = "none of" if basis == "stance" else "only some of"
    return (
        f"{which} the verdicts of {judge} carry the harm dimension, so unsafe falls back to "
        "the stance (compliance or partial) where it is missing; re-judge with the current "
        "judge (`auditor judge --store ...`) to count harmful content",
    )


def _notes(
    parent: ModelObservations, child: ModelObservations, unsafe: OutcomeResult | None
) -> tuple[str, ...]:
    notes = []
    p0, c0 = set(parent.framing(DEFAULT_FRAMING)), set(child.framing(DEFAULT_FRAMING))
    for m, missing in ((parent, len(c0 - p0)), (child, len(p0 - c0))):
        if missing:
            notes.append(
                f"{m.key} has no answer to {missing} items the other model answered; "
                "only common items are compared"
            )
    for m in (parent, child):
        if m.n_unjudged:
            notes.append(
                f"{m.key}: {m.n_unjudged} of {m.n_generations} generations have no "
                "verdict from this judge and are left out"
            )
        if m.n_replaced:
            notes.append(
                f"{m.key}: {m.n_replaced} generations repeat an item under another "
                "generation config; the latest is used"
            )
    if unsafe is None:
        notes.append("no harmful item was scored for both models: nothing to compare")
    elif unsafe.paired.n_excluded:
        notes.append(
            f"{unsafe.paired.n_excluded} harmful items left out: an error or an "
            "ungradeable response on one side"
        )
    if unsafe is not None and unsafe.clustered is not None:
        notes.append(
            "several samples per item: the verdict uses sample 0; the clustered "
            "comparison uses every sample with the item as the unit"
        )
    return tuple(notes)
