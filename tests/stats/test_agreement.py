"""Cohen's kappa against values worked by hand from its definition (Cohen 1960, 1968)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Literal

import pytest

from auditor.stats import cohens_kappa


def _linear_kappa(table: list[list[int]]) -> float:
    """Linear-weighted kappa from its definition, in exact fractions: 1 - observed / expected
    disagreement, each cell weighted by |i - j| / (k - 1)."""
    k = len(table)
    n = sum(map(sum, table))
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table, strict=True)]
    w = [[Fraction(abs(i - j), k - 1) for j in range(k)] for i in range(k)]
    observed = sum(w[i][j] * table[i][j] for i in range(k) for j in range(k)) / n
    expected = sum(w[i][j] * rows[i] * cols[j] for i in range(k) for j in range(k)) / n**2
    return float(1 - observed / expected)


def test_unweighted_textbook_value() -> None:
    # p_o = 35/50 = 0.7; p_e = (25*30 + 25*20) / 50**2 = 0.5; kappa = 0.2 / 0.5 = 0.4.
    assert cohens_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)


def test_unweighted_three_categories() -> None:
    # p_o = 7/10; p_e = (4*3 + 3*4 + 3*3) / 100 = 0.33; kappa = 0.37 / 0.67.
    assert cohens_kappa([[3, 1, 0], [0, 2, 1], [0, 1, 2]]) == pytest.approx(0.37 / 0.67)


@pytest.mark.parametrize(
    "table",
    [[[3, 1, 0], [0, 2, 1], [0, 1, 2]], [[10, 4, 1], [2, 6, 3], [0, 2, 12]], [[5, 0], [2, 3]]],
)
def test_linear_weights_match_the_definition(table: list[list[int]]) -> None:
    assert cohens_kappa(table, weights="linear") == pytest.approx(_linear_kappa(table))


def test_two_categories_weighted_is_unweighted() -> None:
    table = [[20, 5], [10, 15]]
    assert cohens_kappa(table, weights="linear") == pytest.approx(cohens_kappa(table))


@pytest.mark.parametrize("weights", [None, "linear"])
def test_undefined_when_empty_or_one_category(weights: Literal["linear"] | None) -> None:
    assert math.isnan(cohens_kappa([[0, 0], [0, 0]], weights=weights))
    assert math.isnan(cohens_kappa([[7, 0], [0, 0]], weights=weights))
