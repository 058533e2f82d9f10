"""Connor (1987) sample sizes (docs/STATISTICS.md values) and the smallest detectable rise."""

from __future__ import annotations

import math

import pytest
from numpy.testing import assert_allclose
from scipy.stats import binom

from auditor.errors import UsageError
from auditor.stats import connor_sample_size, mcnemar_pvalues, smallest_detectable_rise


def test_stats_md_reference_sample_sizes() -> None:
    assert connor_sample_size(0.05, 0.10, 0.05, one_sided=False) == 312
    assert connor_sample_size(0.05, 0.10, 0.05) == 246
    assert connor_sample_size(0.05, 0.10, 0.05 / 100) == 680


def test_detectable_rise_inverts_the_sample_size() -> None:
    # psi = 2 * base + rise; at n = 246 and base 0.025 the detectable rise is just under 0.05
    rise = smallest_detectable_rise(246, 0.025).rise
    assert rise is not None
    assert_allclose(rise, 0.05, atol=2e-4)
    assert connor_sample_size(rise, 0.05 + rise) in (246, 247)  # ceil of ~246.0


def test_detectable_rise_shrinks_with_n() -> None:
    rises = [smallest_detectable_rise(n, 0.02).rise for n in (50, 200, 1000)]
    assert all(r is not None for r in rises)
    assert rises[0] > rises[1] > rises[2]  # type: ignore[operator]


def test_power_is_roughly_right_by_exact_computation() -> None:
    # Exact power of the one-sided mid-p test at the detectable rise, computed by summing
    # over the number of discordant pairs: should be near the nominal 80%.
    n, base = 400, 0.03
    rise = smallest_detectable_rise(n, base).rise
    assert rise is not None
    p_b, p_c = base + rise, base
    power = 0.0
    for m in range(0, n + 1):
        weight = binom.pmf(m, n, p_b + p_c)
        if weight < 1e-12:
            continue
        theta = p_b / (p_b + p_c)
        for b in range(m + 1):
            if mcnemar_pvalues(b, m - b).midp_one_sided < 0.05:
                power += weight * binom.sf(b - 1, m, theta)
                break
    assert 0.72 < power < 0.9


def test_nothing_detectable_with_tiny_n() -> None:
    assert smallest_detectable_rise(0, 0.0).rise is None
    small = smallest_detectable_rise(3, 0.0).rise
    assert small is None or small > 0.5


def test_bad_arguments() -> None:
    with pytest.raises(UsageError):
        connor_sample_size(0.2, 0.1)
    with pytest.raises(UsageError):
        smallest_detectable_rise(100, 0.1, power=1.0)
    assert math.isfinite(connor_sample_size(0.01, 0.5))
