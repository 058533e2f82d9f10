"""Stuart-Maxwell and Bowker against Agresti's coffee-brand table and direct formulas."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import chi2

from auditor.errors import UsageError
from auditor.stats import bowker, shift_table, stuart_maxwell

# Agresti (2002, Categorical Data Analysis, Table 10.5): first and second coffee purchase
COFFEE = [
    [93, 17, 44, 7, 10],
    [9, 46, 11, 0, 9],
    [17, 11, 155, 9, 12],
    [6, 4, 9, 15, 2],
    [10, 4, 12, 2, 27],
]


def _stuart_direct(t: np.ndarray) -> float:
    """d' V^-1 d with d the first k-1 margin differences and V their covariance."""
    k = len(t)
    d = (t.sum(1) - t.sum(0))[: k - 1]
    v = np.empty((k - 1, k - 1))
    for i in range(k - 1):
        for j in range(k - 1):
            v[i, j] = t[i].sum() + t[:, i].sum() - 2 * t[i, i] if i == j else -(t[i, j] + t[j, i])
    return float(d @ np.linalg.solve(v, d))


def _bowker_direct(t: np.ndarray) -> tuple[float, int]:
    stat, df = 0.0, 0
    for i in range(len(t)):
        for j in range(i + 1, len(t)):
            if t[i, j] + t[j, i]:
                stat += (t[i, j] - t[j, i]) ** 2 / (t[i, j] + t[j, i])
                df += 1
    return stat, df


def test_agresti_coffee() -> None:
    sm = stuart_maxwell(COFFEE)
    assert_allclose(sm.statistic, 12.29, atol=0.005)
    assert sm.df == 4
    assert_allclose(sm.pvalue, 0.0153, atol=5e-4)
    bw = bowker(COFFEE)
    assert_allclose(bw.statistic, 20.41, atol=0.005)
    assert bw.df == 10
    assert_allclose(bw.pvalue, 0.0256, atol=5e-4)


@pytest.mark.parametrize(
    "table",
    [
        [[10, 3, 1], [1, 8, 2], [0, 1, 5]],
        [[40, 6, 2], [1, 30, 9], [0, 2, 10]],
        [[5, 0, 4], [2, 3, 0], [1, 1, 7]],  # zero cells: shift_zeros=False must leave them
    ],
)
def test_against_direct_formulas(table: list[list[int]]) -> None:
    t = np.array(table)
    sm = stuart_maxwell(t)
    assert_allclose(sm.statistic, _stuart_direct(t), rtol=1e-10)
    assert_allclose(sm.pvalue, chi2.sf(_stuart_direct(t), 2), rtol=1e-10)
    stat, df = _bowker_direct(t)
    bw = bowker(t)
    assert_allclose(bw.statistic, stat, rtol=1e-10)
    assert bw.df == df


def test_unused_level_and_singular_tables() -> None:
    # "compliance" never occurs: the level is dropped, leaving McNemar on refusal/partial
    t = [[5, 2, 0], [0, 3, 0], [0, 0, 0]]
    sm = stuart_maxwell(t)
    assert_allclose(sm.statistic, 2.0)
    assert sm.df == 1
    # only one pair of levels exchanges items: still McNemar on that pair
    t2 = [[0, 3, 0], [1, 0, 0], [0, 0, 4]]
    assert_allclose(stuart_maxwell(t2).statistic, (3 - 1) ** 2 / 4)


def test_no_change() -> None:
    sm = stuart_maxwell(np.diag([5, 3, 2]))
    bw = bowker(np.diag([5, 3, 2]))
    assert (sm.statistic, sm.pvalue, bw.statistic, bw.pvalue, bw.df) == (0.0, 1.0, 0.0, 1.0, 0)


def test_table_from_labels_and_net_shift() -> None:
    parent = ["refusal", "refusal", "partial", "compliance", None]
    child = ["compliance", "partial", "partial", "compliance", "refusal"]
    t = shift_table(parent, child)
    assert t.tolist() == [[0, 1, 1], [0, 1, 0], [0, 0, 1]]
    assert_allclose(stuart_maxwell(t).effect, 2 / 4)  # two of four items moved up
    with pytest.raises(UsageError, match="not one of"):
        shift_table(["refusal"], ["maybe"])


def test_bad_table() -> None:
    with pytest.raises(UsageError):
        stuart_maxwell([[1, 2, 3]])
    with pytest.raises(UsageError):
        bowker([[1, -2], [0, 1]])


@pytest.mark.parametrize("seed", range(6))
def test_matches_statsmodels_without_zero_shift(seed: int) -> None:
    from statsmodels.stats.contingency_tables import SquareTable

    rng = np.random.default_rng(seed)
    t = rng.integers(0, 15, size=(3, 3)) + np.diag(rng.integers(20, 60, size=3))
    t[0, 2] = 0  # a zero cell, which shift_zeros=True would alter
    reference = SquareTable(t, shift_zeros=False)
    assert_allclose(stuart_maxwell(t).statistic, reference.homogeneity().statistic, rtol=1e-10)
    assert_allclose(bowker(t).statistic, reference.symmetry("bowker").statistic, rtol=1e-10)
