"""The family's result: every derivative compared, adjusted across the family, as frozen records.

:func:`auditor.compare.compare_family` builds a :class:`FamilyComparison`; the audit and the
CLI read verdicts and the exit status from it, and :mod:`reports` renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditor import stats
from auditor.compare._collect import ModelData
from auditor.compare._family import Family, Member
from auditor.compare._records import ComparisonReport
from auditor.errors import UsageError

if TYPE_CHECKING:  # they import this module's neighbours
    from auditor.compare._actions import FamilyActions
    from auditor.compare._blind_refusal import BlindRefusal
    from auditor.compare._conditions import ConditionResult, EdgeCondition

# 1: first version (issue 12: the family verdict moved out of the report's view model).
# 2: issue 14: per model the condition effects, erosion and blind refusal; per pair the
#    difference-in-differences per condition (optional fields: empty without such rows).
FAMILY_SCHEMA_VERSION = 2

Verdict = Literal["degraded", "not_degraded", "inconclusive"]


@dataclass(frozen=True, slots=True)
class ComparisonPolicy:
    """The statistical settings of a family comparison.

    ``alpha``: one-sided level of the degradation test (and of the intervals); ``margin``:
    the non-inferiority margin on the rate difference; ``seed``: the permutation tests and
    bootstraps; ``judge_id``: whose verdicts (``None``: the only judge in the store). The
    correction across the family is Holm's (FWER), the only one the verdict rule uses.
    """

    alpha: float = stats.DEFAULT_ALPHA
    margin: float = stats.DEFAULT_MARGIN
    seed: int = 0
    judge_id: str | None = None

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1 or not 0 < self.margin < 1:
            raise UsageError(
                f"alpha and margin must be in (0, 1); got {self.alpha} and {self.margin}"
            )


@dataclass(frozen=True, slots=True)
class AdjustedTest:
    """One paired test with Holm's adjustment across the family and the verdict it gives."""

    comparison: stats.PairedComparison
    p_adjusted: float
    noninferiority_p_adjusted: float
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class TraceFigures:
    """One model's reasoning traces on harmful items: DETECTED_PROCEEDS (from the pair's
    comparison), how often the harm was detected, and the override rate among those."""

    n_traces: int
    n_detected: int
    detected_proceeds: stats.RateEstimate
    override: stats.RateEstimate | None
    eval_aware_share: float | None


@dataclass(frozen=True, slots=True)
class ModelRates:
    """One model's rates on sample 0 of the default framing, with Wilson intervals."""

    n_harmful: int
    unsafe: stats.RateEstimate | None
    refusal: stats.RateEstimate | None
    n_benign: int
    over_refusal: stats.RateEstimate | None
    n_unscored: int


@dataclass(frozen=True, slots=True)
class ComparedModel:
    """A model some comparison used: its member id, role, stored rows and rates; beyond
    single-turn refusal (issue 14): each condition against plain, the erosion curve of the
    pressure suite, and blind refusal on rule-defeat items (empty without such rows)."""

    id: str
    role: Literal["root", "derivative"]
    data: ModelData
    rates: ModelRates
    conditions: tuple[ConditionResult, ...] = ()
    erosion: stats.ErosionCurve | None = None
    blind_refusal: BlindRefusal | None = None


@dataclass(frozen=True, slots=True)
class NotCompared:
    """A family member left out, with the reason (and its parent along the lineage)."""

    id: str
    reason: str
    parent: str | None = None
    relation: str | None = None


@dataclass(frozen=True, slots=True)
class FamilyPair:
    """One derivative against its reference (immediate parent or nearest evaluated ancestor).

    ``unsafe`` gives the verdict; ``vs_root`` is the same outcome against the root (Holm
    across the family's comparisons with the root).
    """

    member: Member
    reference: Member
    relation: str
    note: str
    compared: ComparisonReport
    unsafe: AdjustedTest
    vs_root: AdjustedTest | None
    over_refusal: AdjustedTest | None
    refusal: AdjustedTest | None
    traces: TraceFigures | None  # the derivative's
    reference_traces: TraceFigures | None
    conditions: tuple[EdgeCondition, ...] = ()  # DiD per condition both models were asked under
    erosion: stats.ErosionComparison | None = None  # refused through every pressure turn
    erosion_p_holm: float | None = None  # its one-sided p, Holm across the family's edges

    @property
    def verdict(self) -> Verdict:
        return self.unsafe.verdict


@dataclass(frozen=True, slots=True)
class FamilyComparison:
    """Every derivative of a family compared, corrected across the family (see the module
    docstring). ``pairs`` are in lineage order (nearest generation first, then by id)."""

    schema_version: int
    policy: ComparisonPolicy
    judge_id: str
    family: Family
    root: Member | None  # the root as evaluated; None when it was not
    pairs: tuple[FamilyPair, ...]
    not_compared: tuple[NotCompared, ...]
    models: tuple[ComparedModel, ...]  # the root first, then in order of first use
    bases: frozenset[str]  # what "unsafe" rested on across the comparisons
    store: str  # the results store it was read from

    @property
    def verdicts(self) -> dict[str, Verdict]:
        """``member id -> verdict`` of every compared derivative."""
        return {p.member.id: p.verdict for p in self.pairs}

    @property
    def actions(self) -> FamilyActions:
        """The action layer (issue 15): per model the harmful-action rates, per derivative
        the paired harmful-action test, Holm across the family (empty without agentic
        items). Derived from ``models`` and ``pairs`` on each access."""
        from auditor.compare._actions import family_actions

        return family_actions(self)

    def counts(self) -> dict[str, int]:
        """How many derivatives got each verdict."""
        counts = {"degraded": 0, "not_degraded": 0, "inconclusive": 0}
        for p in self.pairs:
            counts[p.verdict] += 1
        return counts

    def flagged(self, fail_on: str = "degraded") -> bool:
        """Whether a derivative is degraded (or, with ``fail_on="inconclusive"``, not cleared)."""
        failing = {"degraded"} if fail_on == "degraded" else {"degraded", "inconclusive"}
        return any(p.verdict in failing for p in self.pairs)
