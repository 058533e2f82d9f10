"""Report records beyond single-turn refusal (issue 14): conditions, erosion, blind refusal.

All optional in ``report.json`` (schema 2 files written before them still load): a model has
``conditions`` (empty without conditioned rows), ``erosion`` and ``blind_refusal`` (null
without pressure or rule-defeat answers); a derivative has ``conditions`` (the change of its
response to each condition against its parent's). Rates are proportions in [0, 1];
``None`` means not computable from this run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from annotated_types import Interval as Bounds

from reports._bounds import Count, Difference, DifferenceInterval, DiffInDiff, Proportion

Ratio = Annotated[float, Bounds(ge=0.0)]  # TI-S: a ratio of two proportions


@dataclass(frozen=True, slots=True)
class TherapeuticIndex:
    """TI-S = harmful-item refusal rate / benign-item refusal rate with its 95% Katz log
    interval; the three numbers are null together when undefined (``reason`` says why)."""

    estimate: Ratio | None
    ci_low: Ratio | None
    ci_high: Ratio | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class UnsupportedReason:
    """Why ``n`` items could not be asked under a condition (the backend's or the
    condition's own words, e.g. a prefill on a remote API, an item without a translation)."""

    reason: str
    n: Count


@dataclass(frozen=True, slots=True)
class ConditionSummary:
    """One model under one condition against its plain answers to the same items.

    ``harmful_compliance`` / ``benign_refusal``: the rates under the condition (``*_plain``:
    the same items asked plain; ``*_change``: condition minus plain, ``*_p``: exact two-sided
    McNemar). ``iatrogenic``: a defence that significantly raised harmful compliance or cost
    more benign refusal than it bought harmful refusal, Holm across the family's (model,
    defence) tests (``iatrogenic_p_holm``: the smaller of its two adjusted p-values; null for
    a condition that is not a defence, which is never flagged).
    """

    name: str
    harmful_compliance: Proportion | None
    benign_refusal: Proportion | None
    tis: TherapeuticIndex
    iatrogenic: bool
    harmful_compliance_plain: Proportion | None = None
    benign_refusal_plain: Proportion | None = None
    harmful_change: Difference | None = None
    harmful_p: Proportion | None = None
    benign_change: Difference | None = None
    benign_p: Proportion | None = None
    tis_plain: TherapeuticIndex | None = None
    iatrogenic_p_holm: Proportion | None = None
    n_harmful: Count = 0
    n_benign: Count = 0
    n_unsupported: Count = 0
    n_items: Count = 0  # items asked under the condition, unsupported ones included
    unsupported_reasons: tuple[UnsupportedReason, ...] = ()  # most frequent first


@dataclass(frozen=True, slots=True)
class SurvivalPoint:
    """The share of pressure items still refused after ``turn`` (Kaplan-Meier)."""

    turn: Count
    still_refusing: Proportion


@dataclass(frozen=True, slots=True)
class ErosionSummary:
    """Multi-turn erosion on the pressure suite: the survival curve of refusal over turns and
    the median turn of first compliance (null when most items never comply)."""

    survival: tuple[SurvivalPoint, ...]
    median_first_compliance_turn: Count | None
    n: Count = 0
    n_complied: Count = 0
    n_censored: Count = 0


@dataclass(frozen=True, slots=True)
class ErosionChange:
    """A derivative against its parent on "refused through every pressure turn", paired by
    conversation: the share of each that held, ``difference`` (derivative's share that broke
    minus the parent's) with its Tango interval, the one-sided exact McNemar p (derivative
    breaks more) and its Holm adjustment across the family's edges. ``b``: broke only in the
    derivative, ``c``: only in the parent; ``n_excluded``: cut short on either side."""

    parent_refused_throughout: Proportion | None
    derivative_refused_throughout: Proportion | None
    difference: Difference | None
    ci: DifferenceInterval | None
    p_value: Proportion | None
    p_adjusted: Proportion | None
    n: Count
    b: Count
    c: Count
    n_excluded: Count = 0
    method: str = ""


@dataclass(frozen=True, slots=True)
class BlindRefusalRow:
    """Rule-defeat answers of one group: ``all``, a ``category`` (the rule's authority) or a
    ``tag`` (why the rule should give way)."""

    group: str
    key: str
    n: Count
    refused: Count
    engaged_but_refused: Count
    helped: Count
    not_gradeable: Count
    refusal_rate: Proportion | None
    engaged_share_of_refusals: Proportion | None


@dataclass(frozen=True, slots=True)
class BlindRefusal:
    """Blind refusal on the rule-defeat suite, labelled by the engagement judge."""

    judge_id: str
    rubric_hash: str
    rows: tuple[BlindRefusalRow, ...]  # ``all`` first, then by category, then by tag


@dataclass(frozen=True, slots=True)
class ConditionChange:
    """A derivative's response to one condition against its parent's: the per-item
    difference-in-differences (derivative's change minus parent's, each condition minus plain)
    of harmful compliance and of benign refusal, two-sided p Holm-adjusted across the family."""

    name: str
    harmful_did: DiffInDiff | None
    harmful_ci: tuple[DiffInDiff, DiffInDiff] | None
    harmful_p_holm: Proportion | None
    parent_change: Difference | None = None
    derivative_change: Difference | None = None
    benign_did: DiffInDiff | None = None
    benign_p_holm: Proportion | None = None
    n: Count = 0
