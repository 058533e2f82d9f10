"""Several samples per item (temperature > 0): the item is the cluster.

Repeats do not add items (Miller 2024, "Adding Error Bars to Evals", arXiv 2411.00640).
Per item we take each model's rate over its samples; the effect is the mean over items of
(derivative rate - parent rate), with the clustered standard error sd / sqrt(n_items), a
paired t-test, an exact or Monte Carlo sign-flip permutation test (explicit seed), and a
cluster-bootstrap percentile interval (items resampled with replacement, explicit seed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.errors import UsageError
from auditor.stats._rates import check_alpha

EXACT_LIMIT = 16  # enumerate all 2^k sign patterns up to this many non-zero differences
_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class SignFlipTest:
    """Sign-flip permutation test of a mean paired difference."""

    statistic: float  # the observed mean difference
    pvalue_greater: float
    pvalue_two_sided: float
    n_permutations: int  # 2^k when exact
    exact: bool
    seed: int | None


@dataclass(frozen=True, slots=True)
class ClusteredComparison:
    """Parent versus derivative with several samples per item."""

    statistic: float  # paired t on per-item differences
    pvalue: float  # primary: one-sided sign-flip permutation p (derivative worse)
    effect: float  # mean per-item difference (derivative - parent)
    ci: tuple[float, float]  # cluster-bootstrap percentile interval
    n: int  # items (clusters)
    method: str
    parent_rate: float
    child_rate: float
    se: float  # clustered standard error
    t_pvalue_one_sided: float
    permutation_p_two_sided: float
    n_permutations: int
    permutation_exact: bool
    n_bootstrap: int
    seed: int
    n_samples_parent: int
    n_samples_child: int
    n_excluded: int


def item_rates(samples: Sequence[Sequence[bool | None]]) -> np.ndarray:
    """Per-item share of ``True`` among the non-missing samples (nan when none is left)."""
    rates = np.full(len(samples), np.nan)
    for i, item in enumerate(samples):
        kept = [bool(x) for x in item if x is not None]
        if kept:
            rates[i] = sum(kept) / len(kept)
    return rates


def sign_flip_test(
    differences: Sequence[float] | np.ndarray, *, n_permutations: int = 10_000, seed: int = 0
) -> SignFlipTest:
    """Sign-flip permutation test of H0: differences symmetric about 0.

    Exact (all 2^k patterns of the k non-zero differences) when k <= 16, else Monte Carlo
    with ``n_permutations`` draws from ``numpy.random.default_rng(seed)`` and the
    ``(1 + count) / (1 + draws)`` p-value, which is valid at every sample size.
    """
    d = np.asarray(differences, dtype=float)
    n = d.size
    observed = float(d.mean()) if n else 0.0
    nonzero = d[d != 0.0]
    k = nonzero.size
    if k == 0:
        return SignFlipTest(observed, 1.0, 1.0, 1, True, None)
    tol = 1e-12 * max(1.0, float(np.abs(nonzero).sum()))
    target = float(nonzero.sum())
    if k <= EXACT_LIMIT:
        patterns = ((np.arange(2**k)[:, None] >> np.arange(k)) & 1) * 2 - 1
        sums = patterns @ nonzero
        greater = float(np.mean(sums >= target - tol))
        two = float(np.mean(np.abs(sums) >= abs(target) - tol))
        return SignFlipTest(observed, greater, two, 2**k, True, None)
    if n_permutations < 1:
        raise UsageError("n_permutations must be at least 1")
    rng = np.random.default_rng(seed)
    count_greater = count_two = 0
    for start in range(0, n_permutations, _CHUNK):
        size = min(_CHUNK, n_permutations - start)
        signs = rng.integers(0, 2, size=(size, k), dtype=np.int8) * 2 - 1
        sums = signs @ nonzero
        count_greater += int(np.sum(sums >= target - tol))
        count_two += int(np.sum(np.abs(sums) >= abs(target) - tol))
    return SignFlipTest(
        observed,
        (1 + count_greater) / (1 + n_permutations),
        (1 + count_two) / (1 + n_permutations),
        n_permutations,
        False,
        seed,
    )


def cluster_bootstrap_ci(
    differences: Sequence[float] | np.ndarray,
    *,
    n_bootstrap: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Percentile interval of the mean difference, resampling items with replacement."""
    check_alpha(alpha)
    if n_bootstrap < 1:
        raise UsageError("n_bootstrap must be at least 1")
    d = np.asarray(differences, dtype=float)
    if d.size == 0:
        return (-1.0, 1.0)
    rng = np.random.default_rng(seed)
    means = np.empty(n_bootstrap)
    for start in range(0, n_bootstrap, _CHUNK):
        size = min(_CHUNK, n_bootstrap - start)
        idx = rng.integers(0, d.size, size=(size, d.size))
        means[start : start + size] = d[idx].mean(axis=1)
    low, high = np.quantile(means, [alpha / 2.0, 1.0 - alpha / 2.0])
    return (float(low), float(high))


def clustered_comparison(
    parent: Sequence[Sequence[bool | None]],
    child: Sequence[Sequence[bool | None]],
    *,
    seed: int = 0,
    n_permutations: int = 10_000,
    n_bootstrap: int = 2000,
    alpha: float = 0.05,
) -> ClusteredComparison:
    """Compare per-item rates of parent and derivative (``parent[i]``: item i's samples)."""
    from scipy.stats import t as t_dist

    if len(parent) != len(child):
        raise UsageError("parent and derivative samples must be aligned by item")
    p_rates, c_rates = item_rates(parent), item_rates(child)
    keep = ~(np.isnan(p_rates) | np.isnan(c_rates))
    diffs = c_rates[keep] - p_rates[keep]
    n = int(diffs.size)
    mean = float(diffs.mean()) if n else 0.0
    se = float(diffs.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    if n > 1 and se > 0:
        t_stat = mean / se
        t_p = float(t_dist.sf(t_stat, n - 1))
    elif n > 1 and mean != 0:  # every item moved by the same amount
        t_stat, t_p = float(np.copysign(np.inf, mean)), 0.0 if mean > 0 else 1.0
    else:  # one item, or no change anywhere: no evidence
        t_stat, t_p = 0.0, 1.0
    flip = sign_flip_test(diffs, n_permutations=n_permutations, seed=seed)
    return ClusteredComparison(
        statistic=float(t_stat),
        pvalue=flip.pvalue_greater,
        effect=mean,
        ci=cluster_bootstrap_ci(diffs, n_bootstrap=n_bootstrap, seed=seed, alpha=alpha),
        n=n,
        method="per-item rates; clustered SE; sign-flip permutation; cluster bootstrap",
        parent_rate=float(p_rates[keep].mean()) if n else float("nan"),
        child_rate=float(c_rates[keep].mean()) if n else float("nan"),
        se=se,
        t_pvalue_one_sided=t_p,
        permutation_p_two_sided=flip.pvalue_two_sided,
        n_permutations=flip.n_permutations,
        permutation_exact=flip.exact,
        n_bootstrap=n_bootstrap,
        seed=seed,
        n_samples_parent=sum(sum(x is not None for x in item) for item in parent),
        n_samples_child=sum(sum(x is not None for x in item) for item in child),
        n_excluded=int((~keep).sum()),
    )
