"""Tango and Newcombe intervals and the Tango non-inferiority test.

Reference values from docs/STATISTICS.md (R ``contingencytables``); further values are computed here
independently: the constrained maximum-likelihood estimate by numerical maximisation of the
multinomial likelihood (not Tango's closed form), and the Wilson limits from their formula.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import brentq, minimize_scalar
from scipy.stats import norm

from auditor.stats import (
    newcombe_ci,
    newcombe_ci_envelope,
    tango_ci,
    tango_noninferiority,
)

Z = norm.ppf(0.975)


def _score_numeric(d: float, b: int, c: int, n: int) -> float:
    """Score statistic with the restricted MLE found numerically: x = P(parent-only)."""
    lo, hi = max(0.0, -d) + 1e-13, (1.0 - d) / 2.0 - 1e-13

    def negative_loglik(x: float) -> float:
        terms = [(b, x + d), (c, x), (n - b - c, 1.0 - 2.0 * x - d)]
        return -sum(k * math.log(max(p, 1e-300)) for k, p in terms if k)

    x = minimize_scalar(
        negative_loglik, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13}
    ).x
    return (b - c - n * d) / math.sqrt(n * (2.0 * x + d - d * d))


def _tango_numeric(b: int, c: int, n: int) -> tuple[float, float]:
    est = (b - c) / n
    grid = np.linspace(-1 + 1e-6, 1 - 1e-6, 4001)
    values = np.array([_score_numeric(d, b, c, n) if d != est else 0.0 for d in grid])
    lower_i = np.nonzero((values[:-1] >= Z) & (values[1:] < Z))[0]
    upper_i = np.nonzero((values[:-1] > -Z) & (values[1:] <= -Z))[0]
    low = brentq(lambda d: _score_numeric(d, b, c, n) - Z, grid[lower_i[0]], grid[lower_i[0] + 1])
    high = brentq(lambda d: _score_numeric(d, b, c, n) + Z, grid[upper_i[0]], grid[upper_i[0] + 1])
    return low, high


def _wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (2 * n * p + Z * Z) / (2 * (n + Z * Z))
    half = Z * math.sqrt(Z * Z + 4 * n * p * (1 - p)) / (2 * (n + Z * Z))
    return centre - half, centre + half


def _newcombe_direct(a: int, b: int, c: int, d: int) -> tuple[float, float]:
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    (l1, u1), (l2, u2) = _wilson(a + b, n), _wilson(a + c, n)
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    num = a * d - b * c
    num = max(num - n / 2, 0) if num > 0 else num
    phi = num / math.sqrt(denom) if denom else 0.0
    dl = math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    du = math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    return p1 - p2 - dl, p1 - p2 + du


def test_tango_cavo_reference() -> None:
    assert_allclose(tango_ci(6, 16, 161), (-0.1240, -0.0054), atol=5e-5)


def test_newcombe_cavo_reference() -> None:
    assert_allclose(newcombe_ci(59, 6, 16, 80), (-0.1186, -0.0046), atol=5e-5)


@pytest.mark.parametrize(
    ("b", "c", "n"), [(6, 16, 161), (12, 3, 200), (1, 7, 21), (0, 5, 40), (9, 0, 30), (3, 3, 12)]
)
def test_tango_against_numerical_likelihood(b: int, c: int, n: int) -> None:
    assert_allclose(tango_ci(b, c, n), _tango_numeric(b, c, n), atol=2e-6)


@pytest.mark.parametrize(
    ("a", "b", "c", "d"),
    [(59, 6, 16, 80), (10, 12, 3, 175), (0, 1, 7, 13), (5, 0, 0, 5), (2, 9, 1, 0)],
)
def test_newcombe_against_direct_formula(a: int, b: int, c: int, d: int) -> None:
    assert_allclose(newcombe_ci(a, b, c, d), _newcombe_direct(a, b, c, d), atol=1e-10)


def test_noninferiority_reference_values() -> None:
    # docs/STATISTICS.md at margin 0.03
    assert_allclose(tango_noninferiority(12, 3, 200, 0.03)[1], 0.79, atol=0.005)
    assert_allclose(tango_noninferiority(9, 7, 500, 0.03)[1], 0.0036, atol=5e-5)
    assert_allclose(tango_noninferiority(20, 18, 1000, 0.03)[1], 0.0001, atol=5e-5)


def test_noninferiority_is_the_score_statistic_at_the_margin() -> None:
    for b, c, n in [(12, 3, 200), (9, 7, 500), (0, 0, 300)]:
        stat, p = tango_noninferiority(b, c, n, 0.05)
        assert_allclose(stat, _score_numeric(0.05, b, c, n), rtol=1e-6)
        assert_allclose(p, norm.cdf(stat))


def test_no_discordant_pairs_closed_form() -> None:
    # with b = c = 0 the score equation solves to d = +-z^2 / (n + z^2)
    for n in (1, 10, 200):
        half = Z * Z / (n + Z * Z)
        assert_allclose(tango_ci(0, 0, n), (-half, half), rtol=1e-8)


def test_all_discordant() -> None:
    low, high = tango_ci(10, 0, 10)
    assert high == 1.0 and 0.3 < low < 1.0
    low, high = tango_ci(0, 10, 10)
    assert low == -1.0 and -1.0 < high < -0.3
    assert_allclose(tango_ci(10, 0, 10)[0], -tango_ci(0, 10, 10)[1])


def test_interval_contains_estimate_and_is_ordered() -> None:
    for b, c, n in [(1, 0, 1), (0, 1, 2), (5, 5, 10), (50, 3, 60)]:
        low, high = tango_ci(b, c, n)
        assert -1.0 <= low <= (b - c) / n <= high <= 1.0


def test_envelope_contains_every_table_interval() -> None:
    b, c, n = 6, 16, 161
    env = newcombe_ci_envelope(b, c, n)
    for a in range(n - b - c + 1):
        low, high = newcombe_ci(a, b, c, n - b - c - a)
        assert env[0] <= low + 1e-12 and high <= env[1] + 1e-12


def test_envelope_grid_path_matches_exhaustive_search(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.stats import _intervals

    exhaustive = newcombe_ci_envelope(40, 25, 3000)
    monkeypatch.setattr(_intervals, "_ENVELOPE_GRID", 101)  # force the coarse-then-fine path
    assert_allclose(newcombe_ci_envelope(40, 25, 3000), exhaustive, rtol=1e-12)
