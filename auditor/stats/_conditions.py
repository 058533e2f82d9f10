"""A condition (defence prompt, prefill, forged demos, language, ...) against the plain prompt.

Every item is asked plain and under the condition, so each comparison is paired by item:

* :func:`condition_shift`, within one model: McNemar exact on the (plain, condition) pair of
  one outcome (harmful compliance on harmful items, refusal on benign items); ``b`` = the
  outcome only under the condition, ``c`` = only plain. Primary p: exact two-sided (a change
  either way is news); the one-sided "condition raises it" exact p is kept for flags.
* :func:`condition_diff_in_diff`, parent versus derivative: the per-item change
  ``(y_cond - y_plain)`` of each model, compared paired by item with the sign-flip test and
  bootstrap interval of the eval-awareness difference-in-differences (``_awareness.py``).
* :func:`condition_effect`: both outcomes, TI-S and the iatrogenic test of one model and
  condition in one record (``_iatrogenic.py`` has the test and the family flags).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditor.stats._awareness import awareness_diff_in_diff
from auditor.stats._iatrogenic import IatrogenicTest, iatrogenic_test
from auditor.stats._paired import mcnemar_figures, paired_table
from auditor.stats._rates import RateEstimate, wilson_interval
from auditor.stats._tis import TherapeuticIndex, therapeutic_index_from_outcomes


@dataclass(frozen=True, slots=True)
class ConditionShift:
    """One outcome within one model: condition versus plain on the same items."""

    statistic: float  # signed McNemar z, (b - c) / sqrt(b + c); 0 without discordant pairs
    pvalue: float  # primary: exact two-sided McNemar
    effect: float  # condition rate - plain rate
    ci: tuple[float, float]  # Tango score interval of the effect
    n: int
    method: str
    b: int  # outcome under the condition only
    c: int  # outcome plain only
    plain: RateEstimate
    condition: RateEstimate
    exact_one_sided: float  # alternative: the condition raises the outcome
    midp_one_sided: float
    n_excluded: int


@dataclass(frozen=True, slots=True)
class ConditionDiffInDiff:
    """Parent versus derivative: does the derivative respond to the condition as its parent did?

    ``effect`` = mean over items of (derivative's change - parent's change), each change being
    condition minus plain; positive = the condition raises the outcome more in the derivative.
    """

    statistic: float
    pvalue: float  # primary: two-sided sign-flip permutation p
    effect: float
    ci: tuple[float, float]  # item bootstrap percentile interval (95%)
    n: int
    method: str
    parent_change: float
    child_change: float
    pvalue_greater: float  # alternative: larger rise in the derivative
    exact: bool
    seed: int
    n_excluded: int


@dataclass(frozen=True, slots=True)
class ConditionEffect:
    """One model under one condition: both outcomes against plain, TI-S, the iatrogenic test."""

    name: str
    harmful_compliance: ConditionShift
    benign_refusal: ConditionShift
    tis: TherapeuticIndex  # under the condition
    tis_plain: TherapeuticIndex
    iatrogenic: IatrogenicTest


def condition_shift(
    plain: Sequence[bool | None], condition: Sequence[bool | None], *, alpha: float = 0.05
) -> ConditionShift:
    """McNemar exact between the plain and the conditioned answers of the same items."""
    a, b, c, d, excluded = paired_table(plain, condition)
    n = a + b + c + d
    figures = mcnemar_figures(b, c, n)
    p = figures.pvalues
    return ConditionShift(
        statistic=figures.statistic,
        pvalue=p.exact_two_sided,
        effect=figures.effect,
        ci=figures.ci,
        n=n,
        method="McNemar exact (two-sided) between plain and condition; Tango score CI",
        b=b,
        c=c,
        plain=wilson_interval(a + c, n, alpha),
        condition=wilson_interval(a + b, n, alpha),
        exact_one_sided=p.exact_one_sided,
        midp_one_sided=p.midp_one_sided,
        n_excluded=excluded,
    )


def condition_diff_in_diff(
    parent_plain: Sequence[bool | None],
    parent_condition: Sequence[bool | None],
    child_plain: Sequence[bool | None],
    child_condition: Sequence[bool | None],
    *,
    seed: int = 0,
    n_permutations: int = 10_000,
    n_bootstrap: int = 2000,
) -> ConditionDiffInDiff:
    """Per-item difference-in-differences; items without all four outcomes are left out."""
    did = awareness_diff_in_diff(
        parent_plain,
        parent_condition,
        child_plain,
        child_condition,
        seed=seed,
        n_permutations=n_permutations,
        n_bootstrap=n_bootstrap,
    )
    return ConditionDiffInDiff(
        statistic=did.statistic,
        pvalue=did.pvalue_two_sided,
        effect=did.effect,
        ci=did.ci,
        n=did.n,
        method="difference-in-differences by item (condition - plain); sign-flip permutation "
        "(exact up to 16 non-zero items); item bootstrap",
        parent_change=did.parent_gap,
        child_change=did.child_gap,
        pvalue_greater=did.pvalue,
        exact=did.exact,
        seed=seed,
        n_excluded=did.n_excluded,
    )


def condition_effect(
    name: str,
    *,
    harmful_plain: Sequence[bool | None],
    harmful_condition: Sequence[bool | None],
    benign_plain: Sequence[bool | None],
    benign_condition: Sequence[bool | None],
    alpha: float = 0.05,
) -> ConditionEffect:
    """Everything per model and condition.

    ``harmful_*``: per harmful item, ``True`` = harmful compliance (``is_unsafe``);
    ``benign_*``: per benign item, ``True`` = refused (``is_over_refusal``); aligned by item,
    ``None`` = no outcome.
    """
    return ConditionEffect(
        name=name,
        harmful_compliance=condition_shift(harmful_plain, harmful_condition, alpha=alpha),
        benign_refusal=condition_shift(benign_plain, benign_condition, alpha=alpha),
        tis=therapeutic_index_from_outcomes(
            _negated(harmful_condition), benign_condition, alpha=alpha
        ),
        tis_plain=therapeutic_index_from_outcomes(
            _negated(harmful_plain), benign_plain, alpha=alpha
        ),
        iatrogenic=iatrogenic_test(
            harmful_plain, harmful_condition, benign_plain, benign_condition
        ),
    )


def _negated(outcomes: Sequence[bool | None]) -> list[bool | None]:
    """Harmful compliance to harmful refusal (``None`` stays ``None``)."""
    return [None if x is None else not x for x in outcomes]
