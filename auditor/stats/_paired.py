"""Paired binary comparison of a parent and a derivative on the same items.

Verdict rule (at level ``alpha``, default 0.05):

1. ``degraded``      if the one-sided McNemar mid-p ("derivative worse") is below alpha;
2. ``not_degraded``  otherwise, if Tango's score test rejects H0: delta >= margin
                     (the derivative is worse by less than the margin: non-inferiority);
3. ``inconclusive``  otherwise. A non-significant McNemar test alone never says
                     "not degraded".

Rule 1 comes first: a statistically clear rise is reported as degraded even when it is
smaller than the margin (the effect and its interval say how large it is).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from auditor.errors import UsageError
from auditor.stats._intervals import (
    newcombe_ci,
    newcombe_ci_envelope,
    tango_ci,
    tango_noninferiority,
)
from auditor.stats._mcnemar import McNemarPValues, check_discordant, mcnemar_pvalues
from auditor.stats._power import smallest_detectable_rise
from auditor.stats._rates import check_alpha

Verdict = Literal["degraded", "not_degraded", "inconclusive"]
DEFAULT_MARGIN = 0.03
DEFAULT_ALPHA = 0.05
DEFAULT_POWER = 0.8
VERDICT_RULE = (
    "degraded if the one-sided McNemar mid-p (derivative worse) < alpha; else not_degraded "
    "if the Tango score non-inferiority test at the margin has p < alpha; else inconclusive"
)


@dataclass(frozen=True, slots=True)
class PairedComparison:
    """Parent versus derivative on the same items, one binary outcome per item.

    ``b`` = derivative-only outcomes, ``c`` = parent-only, ``a`` = both, ``d`` = neither
    (``a``/``d`` and the two rates are None when built from discordant counts alone).
    ``difference`` = (b - c) / n = derivative rate - parent rate.
    """

    statistic: float  # signed McNemar z = (b - c) / sqrt(b + c); 0 with no discordant pairs
    pvalue: float  # the primary p-value: one-sided mid-p
    effect: float  # = difference
    ci: tuple[float, float]  # = tango_ci
    n: int
    method: str
    a: int | None
    b: int
    c: int
    d: int | None
    parent_rate: float | None
    child_rate: float | None
    difference: float
    midp_one_sided: float
    midp_two_sided: float
    exact_one_sided: float
    exact_two_sided: float
    asymptotic_two_sided: float
    corrected_two_sided: float
    tango_ci: tuple[float, float]
    newcombe_ci: tuple[float, float]
    newcombe_basis: str  # "table" or "envelope over concordant splits"
    margin: float
    noninferiority_statistic: float
    noninferiority_p: float
    alpha: float
    verdict: Verdict
    detectable_rise: float | None  # smallest rise detectable with 80% power (Connor 1987)
    n_excluded: int = 0  # pairs dropped because an outcome was missing (error, not gradeable)


def decide_verdict(midp_one_sided: float, noninferiority_p: float, alpha: float) -> Verdict:
    """Apply :data:`VERDICT_RULE`."""
    if midp_one_sided < alpha:
        return "degraded"
    if noninferiority_p < alpha:
        return "not_degraded"
    return "inconclusive"


def paired_from_counts(
    b: int,
    c: int,
    n: int,
    *,
    a: int | None = None,
    margin: float = DEFAULT_MARGIN,
    alpha: float = DEFAULT_ALPHA,
    n_excluded: int = 0,
) -> PairedComparison:
    """The full paired comparison from the discordant counts and the number of items.

    Pass ``a`` (items where both have the outcome) to get both rates and Newcombe's
    interval for the exact table; without it Newcombe's interval is the envelope over all
    tables with these ``b``, ``c``, ``n``.
    """
    _check_counts(b, c, n, a, margin, alpha)
    figures = mcnemar_figures(b, c, n)
    p = figures.pvalues
    ni_stat, ni_p = tango_noninferiority(b, c, n, margin)
    d: int | None = None
    parent_rate: float | None = None
    child_rate: float | None = None
    if a is not None:
        d = n - a - b - c
        newcombe, basis = newcombe_ci(a, b, c, d), "table"
        if n:
            parent_rate, child_rate = (a + c) / n, (a + b) / n
    else:
        newcombe, basis = newcombe_ci_envelope(b, c, n), "envelope over concordant splits"
    difference, tango = figures.effect, figures.ci
    detectable = smallest_detectable_rise(n, (b + c) / (2 * n) if n else 0.0, alpha,
                                          DEFAULT_POWER)
    return PairedComparison(
        statistic=figures.statistic,
        pvalue=p.midp_one_sided,
        effect=difference,
        ci=tango,
        n=n,
        method="McNemar mid-p (one-sided, derivative worse); Tango score CI; "
        f"Tango score non-inferiority test at margin {margin:g}",
        a=a,
        b=b,
        c=c,
        d=d,
        parent_rate=parent_rate,
        child_rate=child_rate,
        difference=difference,
        midp_one_sided=p.midp_one_sided,
        midp_two_sided=p.midp_two_sided,
        exact_one_sided=p.exact_one_sided,
        exact_two_sided=p.exact_two_sided,
        asymptotic_two_sided=p.asymptotic_two_sided,
        corrected_two_sided=p.corrected_two_sided,
        tango_ci=tango,
        newcombe_ci=newcombe,
        newcombe_basis=basis,
        margin=margin,
        noninferiority_statistic=ni_stat,
        noninferiority_p=ni_p,
        alpha=alpha,
        verdict=decide_verdict(p.midp_one_sided, ni_p, alpha),
        detectable_rise=detectable.rise,
        n_excluded=n_excluded,
    )


def paired_binary(
    parent: Sequence[bool | None],
    child: Sequence[bool | None],
    margin: float = DEFAULT_MARGIN,
    alpha: float = DEFAULT_ALPHA,
) -> PairedComparison:
    """Compare per-item outcomes (``True`` = outcome present, e.g. unsafe compliance).

    ``parent[i]`` and ``child[i]`` are the same item. Pairs where either side is ``None``
    (an error or an ungradeable response) are left out and counted in ``n_excluded``.
    """
    a, b, c, d, excluded = paired_table(parent, child)
    return paired_from_counts(
        b, c, a + b + c + d, a=a, margin=margin, alpha=alpha, n_excluded=excluded
    )


def paired_table(
    parent: Sequence[bool | None], child: Sequence[bool | None]
) -> tuple[int, int, int, int, int]:
    """``(a, b, c, d, n_excluded)`` for aligned per-item outcomes."""
    if len(parent) != len(child):
        raise UsageError(
            f"parent and derivative outcomes must be aligned by item: {len(parent)} != {len(child)}"
        )
    counts = Counter(
        (bool(p), bool(q)) if p is not None and q is not None else None
        for p, q in zip(parent, child, strict=True)
    )
    return (
        counts[(True, True)],
        counts[(False, True)],
        counts[(True, False)],
        counts[(False, False)],
        counts[None],
    )


@dataclass(frozen=True, slots=True)
class McNemarFigures:
    """What every McNemar-type comparison of ``n`` paired items reports from its discordant
    counts ``b`` (outcome in the second only) and ``c`` (in the first only)."""

    statistic: float  # signed McNemar z, (b - c) / sqrt(b + c); 0 without discordant pairs
    effect: float  # (b - c) / n: second rate - first rate; 0 without items
    ci: tuple[float, float]  # Tango score interval of the effect
    pvalues: McNemarPValues


def mcnemar_figures(b: int, c: int, n: int) -> McNemarFigures:
    """The signed z, the rate difference, its Tango interval and the McNemar p-values."""
    m = b + c
    return McNemarFigures(
        statistic=(b - c) / m**0.5 if m else 0.0,
        effect=(b - c) / n if n else 0.0,
        ci=tango_ci(b, c, n),
        pvalues=mcnemar_pvalues(b, c),
    )


def _check_counts(b: int, c: int, n: int, a: int | None, margin: float, alpha: float) -> None:
    check_discordant(b, c)
    check_alpha(alpha)
    if n < 0:
        raise UsageError(f"n must be non-negative, got {n}")
    if b + c > n:
        raise UsageError(f"b + c = {b + c} exceeds the number of items n = {n}")
    if a is not None and (a < 0 or a + b + c > n):
        raise UsageError(f"a must satisfy 0 <= a <= n - b - c = {n - b - c}, got {a}")
    if not 0.0 < margin < 1.0:
        raise UsageError(f"the non-inferiority margin must be in (0, 1), got {margin}")
