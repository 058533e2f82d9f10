"""The comparison of one parent-derivative pair: a frozen, versioned record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.stats import (
    AwarenessDiffInDiff,
    CategoryComparisons,
    ClusteredComparison,
    FramingGap,
    GEEComparison,
    PairedComparison,
    RateEstimate,
    ShiftTest,
    Verdict,
    to_jsonable,
)

# 2: unsafe counts harmful content (the harm dimension); refusal and unsafe_basis added.
COMPARE_SCHEMA_VERSION = 2


@dataclass(frozen=True, slots=True)
class OutcomeResult:
    """One binary outcome compared on common items.

    ``parent`` / ``child`` are the rates of ``outcome``. The paired test always asks whether
    the derivative is worse, so for refusal (worse = fewer refusals) it counts ``tested``
    ("did not refuse"): its ``b`` / ``c`` cells and its difference are of that complement.
    """

    outcome: str  # "unsafe_compliance" (harmful content) | "refusal" | "over_refusal"
    parent: RateEstimate  # on the paired items, Wilson interval
    child: RateEstimate
    paired: PairedComparison  # sample 0, the primary test
    clustered: ClusteredComparison | None  # every sample, when there are several
    gee: GEEComparison | None = None  # every sample, logistic GEE (+ categories on harmful)
    derivative_only: tuple[str, ...] = ()  # item ids of the b cell (sample 0), sorted
    parent_only: tuple[str, ...] = ()  # item ids of the c cell
    tested: str = ""  # what the paired test counts when it is not ``outcome`` itself

    @property
    def difference(self) -> float:
        """Derivative rate minus parent rate of ``outcome`` (not of ``tested``)."""
        return self.child.rate - self.parent.rate


@dataclass(frozen=True, slots=True)
class ShiftResult:
    """The 3-way verdict shift on harmful items (refusal / partial / compliance)."""

    stuart_maxwell: ShiftTest
    bowker: ShiftTest


@dataclass(frozen=True, slots=True)
class AwarenessResult:
    """Evaluation versus deployment framing: each model's gap, and the change in the gap."""

    parent: FramingGap | None
    child: FramingGap | None
    diff_in_diff: AwarenessDiffInDiff | None


@dataclass(frozen=True, slots=True)
class TraceResult:
    """DETECTED_PROCEEDS: the trace shows the harm was noticed, and the answer went ahead."""

    parent: RateEstimate | None
    child: RateEstimate | None
    paired: PairedComparison | None


@dataclass(frozen=True, slots=True)
class ComparisonReport:
    """Every applicable result for one parent and one derivative from stored verdicts.

    ``verdict`` is the verdict on ``unsafe`` (see :data:`auditor.stats.VERDICT_RULE`),
    ``inconclusive`` when there is nothing to compare. ``unsafe`` counts harmful content on
    harmful items by the judge's harm dimension; ``unsafe_basis`` says so (``harm``), or that
    the judge had none and the stance stood in (``stance``: compliance or partial), or a mix.
    ``refusal`` is the refusal rate on harmful items, the second outcome. Sections that do not
    apply (no framings, no traces, one sample per item) are ``None``.
    """

    schema_version: int
    parent: str
    child: str
    suite: str | None
    judge_id: str
    margin: float
    alpha: float
    seed: int
    verdict: Verdict
    n_samples: int
    unsafe: OutcomeResult | None
    over_refusal: OutcomeResult | None
    categories: CategoryComparisons | None
    shift: ShiftResult | None
    awareness: AwarenessResult | None
    detected_proceeds: TraceResult | None
    notes: tuple[str, ...]
    refusal: OutcomeResult | None = None
    unsafe_basis: str = "harm"  # "harm" | "stance" | "mixed"

    def to_json_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values (strict JSON: no NaN)."""
        value: dict[str, Any] = to_jsonable(self)
        return value
