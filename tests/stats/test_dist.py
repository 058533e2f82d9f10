"""The fast scalar distribution helpers agree with scipy.stats and statsmodels."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose
from scipy.stats import binom, chi2, norm
from statsmodels.stats.proportion import proportion_confint

from auditor.stats import wilson_interval
from auditor.stats._dist import (
    binom_half_cdf,
    binom_half_pmf,
    chi2_sf,
    norm_cdf,
    norm_ppf,
)


@pytest.mark.parametrize("m", [0, 1, 7, 40, 333, 2000])
def test_binomial_half(m: int) -> None:
    for k in sorted({0, m // 3, m // 2, m}):
        assert_allclose(binom_half_cdf(k, m), binom.cdf(k, m, 0.5), rtol=1e-10)
        assert_allclose(binom_half_pmf(k, m), binom.pmf(k, m, 0.5), rtol=1e-10, atol=1e-300)


def test_normal_and_chi2() -> None:
    for q in (0.001, 0.05, 0.5, 0.975):
        assert_allclose(norm_ppf(q), norm.ppf(q), rtol=1e-12)
    for x in (-3.0, 0.0, 1.7):
        assert_allclose(norm_cdf(x), norm.cdf(x), rtol=1e-12)
    for x, df in ((0.0, 1), (4.5, 1), (12.3, 4)):
        assert_allclose(chi2_sf(x, df), chi2.sf(x, df), rtol=1e-12)


@pytest.mark.parametrize(("k", "n"), [(1, 10), (37, 200), (199, 200), (5, 7)])
@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_wilson_matches_statsmodels(k: int, n: int, alpha: float) -> None:
    assert_allclose(
        wilson_interval(k, n, alpha).ci,
        proportion_confint(k, n, alpha=alpha, method="wilson"),
        rtol=1e-12,
    )
