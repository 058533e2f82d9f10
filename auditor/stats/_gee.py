"""GEE for several samples per item with category covariates (docs/STATISTICS.md, section 11).

A marginal logistic model ``logit P(unsafe) = b0 + b1 * derivative + category effects``,
fitted by generalised estimating equations (Binomial family, exchangeable working
correlation, clusters = items) with robust (sandwich) standard errors: the item stays the
unit however many samples it has. Wraps ``statsmodels`` GEE; its result object stays inside.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.errors import UsageError
from auditor.stats._dist import norm_cdf, norm_ppf
from auditor.stats._rates import check_alpha


@dataclass(frozen=True, slots=True)
class GEEComparison:
    """The derivative's log odds ratio (vs the parent) from a clustered GEE fit."""

    statistic: float  # robust z of the derivative coefficient
    pvalue: float  # one-sided, derivative worse
    effect: float  # log odds ratio, derivative vs parent (nan when not estimable)
    ci: tuple[float, float]
    n: int  # items (clusters)
    method: str
    odds_ratio: float
    pvalue_two_sided: float
    n_observations: int
    covariates: tuple[str, ...]  # category levels adjusted for (first level is the baseline)
    estimable: bool  # False when every outcome is the same for one model (no finite fit)


def _long_format(
    parent: Sequence[Sequence[bool | None]],
    child: Sequence[Sequence[bool | None]],
    categories: Sequence[str] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    y, model, group, cats = [], [], [], []
    for item, (p_samples, c_samples) in enumerate(zip(parent, child, strict=True)):
        for flag, samples in ((0, p_samples), (1, c_samples)):
            for value in samples:
                if value is None:
                    continue
                y.append(float(bool(value)))
                model.append(float(flag))
                group.append(item)
                cats.append(categories[item] if categories is not None else "")
    return np.asarray(y), np.asarray(model), np.asarray(group), cats


def gee_comparison(
    parent: Sequence[Sequence[bool | None]],
    child: Sequence[Sequence[bool | None]],
    categories: Sequence[str] | None = None,
    *,
    alpha: float = 0.05,
) -> GEEComparison:
    """Clustered logistic GEE of derivative vs parent, optionally adjusted for category."""
    import statsmodels.api as sm

    check_alpha(alpha)
    if len(parent) != len(child) or (categories is not None and len(categories) != len(parent)):
        raise UsageError("parent, derivative (and category) lists must be aligned by item")
    y, model, group, cats = _long_format(parent, child, categories)
    levels = sorted(set(cats)) if categories is not None else []
    dummies = [np.asarray([c == level for c in cats], dtype=float) for level in levels[1:]]
    design = np.column_stack([np.ones_like(y), model, *dummies]) if y.size else np.empty((0, 2))
    n_items = int(np.unique(group).size)
    method = "GEE, Binomial/logit, exchangeable working correlation, clusters = items"
    estimable = y.size > 0 and all(0 < y[model == m].mean() < 1 for m in (0.0, 1.0))
    if not estimable:
        return _not_estimable(n_items, method, int(y.size), tuple(levels[1:]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; checked through finiteness
        fit = sm.GEE(
            y,
            design,
            groups=group,
            family=sm.families.Binomial(),
            cov_struct=sm.cov_struct.Exchangeable(),
        ).fit()
    beta, se = float(fit.params[1]), float(fit.bse[1])
    if not (math.isfinite(beta) and math.isfinite(se) and se > 0):
        return _not_estimable(n_items, method, int(y.size), tuple(levels[1:]))
    z = beta / se
    half = norm_ppf(1.0 - alpha / 2.0) * se
    return GEEComparison(
        statistic=z,
        pvalue=1.0 - norm_cdf(z),
        effect=beta,
        ci=(beta - half, beta + half),
        n=n_items,
        method=method,
        odds_ratio=math.exp(beta),
        pvalue_two_sided=2.0 * (1.0 - norm_cdf(abs(z))),
        n_observations=int(y.size),
        covariates=tuple(levels[1:]),
        estimable=True,
    )


def _not_estimable(
    n_items: int, method: str, n_observations: int, covariates: tuple[str, ...]
) -> GEEComparison:
    """The result where the model cannot be fitted (a rate at 0 or 1, or a degenerate fit)."""
    nan = float("nan")
    return GEEComparison(
        statistic=0.0,
        pvalue=1.0,
        effect=nan,
        ci=(nan, nan),
        n=n_items,
        method=method,
        odds_ratio=nan,
        pvalue_two_sided=1.0,
        n_observations=n_observations,
        covariates=covariates,
        estimable=False,
    )
