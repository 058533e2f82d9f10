"""Several samples per item: per-item rates, clustered SE, sign-flip test, cluster bootstrap."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import norm, ttest_rel

from auditor.errors import UsageError
from auditor.stats import (
    cluster_bootstrap_ci,
    clustered_comparison,
    item_rates,
    sign_flip_test,
)


def _enumerate_sign_flips(d: np.ndarray) -> tuple[float, float]:
    observed = d.sum()
    sums = [np.dot(s, d) for s in itertools.product((-1, 1), repeat=len(d))]
    greater = np.mean([x >= observed - 1e-12 for x in sums])
    two = np.mean([abs(x) >= abs(observed) - 1e-12 for x in sums])
    return float(greater), float(two)


@pytest.mark.parametrize(
    "d",
    [
        [0.5, 0.25, 1.0, -0.25, 0.75, 0.0, 0.5],
        [1.0, 1.0, 1.0],
        [-0.5, 0.5, 0.25, -0.25, 0.2, 0.1, -0.1, 0.4, 0.3, 0.6],
    ],
)
def test_exact_sign_flip_matches_enumeration(d: list[float]) -> None:
    arr = np.array(d)
    result = sign_flip_test(arr)
    expected = _enumerate_sign_flips(arr[arr != 0])
    assert result.exact
    assert_allclose((result.pvalue_greater, result.pvalue_two_sided), expected)


def test_monte_carlo_sign_flip_is_seeded_and_close_to_normal_theory() -> None:
    rng = np.random.default_rng(3)
    d = rng.normal(0.08, 0.5, size=300)
    a = sign_flip_test(d, n_permutations=20_000, seed=11)
    b = sign_flip_test(d, n_permutations=20_000, seed=11)
    assert a == b and not a.exact and a.seed == 11
    # the permutation law of sum(s_i d_i) is close to N(0, sum d_i^2)
    z = d.sum() / np.sqrt((d**2).sum())
    assert_allclose(a.pvalue_greater, norm.sf(z), atol=0.01)


def test_bootstrap_interval_close_to_normal_interval_for_many_items() -> None:
    rng = np.random.default_rng(5)
    d = rng.normal(0.1, 0.4, size=2000)
    low, high = cluster_bootstrap_ci(d, n_bootstrap=4000, seed=1)
    se = d.std(ddof=1) / np.sqrt(d.size)
    assert_allclose((low, high), (d.mean() - 1.96 * se, d.mean() + 1.96 * se), atol=0.004)
    assert cluster_bootstrap_ci(d, n_bootstrap=500, seed=2) == cluster_bootstrap_ci(
        d, n_bootstrap=500, seed=2
    )


def test_clustered_comparison_numbers() -> None:
    parent = [[True, False, False, False], [False] * 4, [True, True, False, False], [False] * 4]
    child = [[True, True, False, False], [True, False, False, False], [True] * 4, [False] * 4]
    r = clustered_comparison(parent, child, seed=0)
    d = np.array([0.25, 0.25, 0.5, 0.0])
    assert_allclose(r.effect, d.mean())
    assert_allclose(r.se, d.std(ddof=1) / 2)
    assert_allclose(
        r.t_pvalue_one_sided,
        ttest_rel([0.5, 0.25, 1, 0], [0.25, 0, 0.5, 0], alternative="greater").pvalue,
    )
    assert r.permutation_exact
    assert_allclose(r.pvalue, 1 / 8)  # of 8 sign patterns of (.25, .25, .5) only +++ reaches 1
    assert (r.n, r.n_samples_parent, r.n_samples_child) == (4, 16, 16)
    assert_allclose((r.parent_rate, r.child_rate), (0.1875, 0.4375))


def test_missing_samples_and_items() -> None:
    rates = item_rates([[True, None, False], [None, None], []])
    assert_allclose(rates[0], 0.5)
    assert np.isnan(rates[1]) and np.isnan(rates[2])
    r = clustered_comparison([[True, None], [None]], [[True, True], [False]])
    assert r.n == 1 and r.n_excluded == 1 and r.pvalue == 1.0


def test_no_difference_is_no_evidence() -> None:
    same = [[True, False]] * 5
    r = clustered_comparison(same, same)
    assert (r.pvalue, r.t_pvalue_one_sided, r.effect) == (1.0, 1.0, 0.0)


def test_misaligned() -> None:
    with pytest.raises(UsageError):
        clustered_comparison([[True]], [[True], [False]])
