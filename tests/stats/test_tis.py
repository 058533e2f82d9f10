"""TI-S: Katz log interval for a ratio of independent proportions, zero-count rule."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from statsmodels.stats.proportion import confint_proportions_2indep

from auditor.errors import UsageError
from auditor.stats import therapeutic_index, therapeutic_index_from_outcomes


def test_hand_computed_small_case() -> None:
    # 8/10 harmful refused, 2/10 benign refused: ratio 4,
    # se(log) = sqrt(1/8 - 1/10 + 1/2 - 1/10) = sqrt(0.425)
    tis = therapeutic_index(8, 10, 2, 10)
    half = 1.959963984540054 * math.sqrt(0.425)
    assert tis.estimate == pytest.approx(4.0)
    assert tis.ci_low == pytest.approx(4.0 * math.exp(-half))
    assert tis.ci_high == pytest.approx(4.0 * math.exp(half))
    assert (tis.ci_low, tis.ci_high) == pytest.approx((1.11467, 14.35408), abs=1e-4)
    assert tis.reason is None and tis.defined


@pytest.mark.parametrize(
    ("x_h", "n_h", "x_b", "n_b"),
    [(40, 50, 10, 50), (3, 7, 5, 9), (120, 200, 1, 300), (1, 1, 1, 1), (15, 60, 40, 41)],
)
def test_against_statsmodels_log_method(x_h: int, n_h: int, x_b: int, n_b: int) -> None:
    tis = therapeutic_index(x_h, n_h, x_b, n_b)
    low, high = confint_proportions_2indep(x_h, n_h, x_b, n_b, compare="ratio", method="log")
    assert_allclose((tis.ci_low, tis.ci_high), (low, high), rtol=1e-12)
    assert tis.estimate == pytest.approx((x_h / n_h) / (x_b / n_b))


def test_alpha_widens_the_interval() -> None:
    narrow = therapeutic_index(30, 50, 10, 50, alpha=0.2)
    wide = therapeutic_index(30, 50, 10, 50, alpha=0.01)
    low, high = confint_proportions_2indep(
        30, 50, 10, 50, compare="ratio", method="log", alpha=0.01
    )
    assert_allclose((wide.ci_low, wide.ci_high), (low, high))
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high  # type: ignore[operator]


@pytest.mark.parametrize(
    ("counts", "why"),
    [
        ((10, 10, 0, 10), "unbounded"),
        ((0, 10, 3, 10), "no harmful item refused"),
        ((0, 0, 3, 10), "no gradeable"),
        ((3, 10, 0, 0), "no gradeable"),
    ],
)
def test_zero_counts_are_undefined_not_invented(
    counts: tuple[int, int, int, int], why: str
) -> None:
    tis = therapeutic_index(*counts)
    assert (tis.estimate, tis.ci_low, tis.ci_high) == (None, None, None)
    assert not tis.defined
    assert tis.reason is not None and why in tis.reason
    assert tis.harmful_refusal.k == counts[0] and tis.benign_refusal.k == counts[2]


@pytest.mark.parametrize("counts", [(11, 10, 1, 10), (1, 10, -1, 10), (1, -1, 1, 10)])
def test_impossible_counts_are_usage_errors(counts: tuple[int, int, int, int]) -> None:
    with pytest.raises(UsageError):
        therapeutic_index(*counts)


def test_from_outcomes_drops_missing() -> None:
    tis = therapeutic_index_from_outcomes([True, True, False, None], [True, False, None, False])
    assert (tis.harmful_refusal.k, tis.harmful_refusal.n) == (2, 3)
    assert (tis.benign_refusal.k, tis.benign_refusal.n) == (1, 3)
    assert tis.estimate == pytest.approx(2.0)


@given(
    n_h=st.integers(1, 200),
    n_b=st.integers(1, 200),
    data=st.data(),
)
def test_interval_contains_the_estimate(n_h: int, n_b: int, data: st.DataObject) -> None:
    x_h = data.draw(st.integers(1, n_h))
    x_b = data.draw(st.integers(1, n_b))
    tis = therapeutic_index(x_h, n_h, x_b, n_b)
    assert tis.ci_low is not None and tis.ci_high is not None and tis.estimate is not None
    assert 0 < tis.ci_low <= tis.estimate <= tis.ci_high
