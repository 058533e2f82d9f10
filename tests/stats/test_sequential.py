"""E-processes for early stopping: docs/STATISTICS.md check values, integrals, anytime validity."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.integrate import quad
from scipy.stats import beta as beta_dist

from auditor.errors import UsageError
from auditor.stats import (
    beta_binomial_e_value,
    noninferiority_e_value,
    random_order,
    sequential_decision,
)


def test_stats_md_check_values() -> None:
    assert_allclose(beta_binomial_e_value(12, 3), 4.50, atol=0.005)
    assert_allclose(beta_binomial_e_value(20, 5), 24.3, atol=0.05)


@pytest.mark.parametrize(("b", "c", "prior"), [(12, 3, (1, 1)), (7, 9, (2, 3)), (0, 4, (1, 1))])
def test_against_numerical_integration(b: int, c: int, prior: tuple[int, int]) -> None:
    density = beta_dist(*prior).pdf

    def lr(t: float) -> float:
        return t**b * (1 - t) ** c / 0.5 ** (b + c)

    full = quad(lambda t: lr(t) * density(t), 0, 1)[0]
    upper_mass = quad(density, 0.5, 1)[0]
    upper = quad(lambda t: lr(t) * density(t), 0.5, 1)[0] / upper_mass
    assert_allclose(beta_binomial_e_value(b, c, prior), full, rtol=1e-7)
    assert_allclose(beta_binomial_e_value(b, c, prior, one_sided=True), upper, rtol=1e-7)


def test_noninferiority_e_value_is_order_free_product_mixture() -> None:
    # after n items the value depends only on the counts; check against a slow product
    outcomes = [1] * 3 + [-1] * 2 + [0] * 45
    rng = np.random.default_rng(0)
    margin = 0.05
    lambdas = np.linspace(0.0, 0.95 / (1 - margin), 41)[1:]
    wealth = np.ones_like(lambdas)
    for x in rng.permutation(outcomes):
        wealth *= 1 + lambdas * (margin - x)
    assert_allclose(noninferiority_e_value(3, 2, 50, margin), wealth.mean(), rtol=1e-10)
    assert noninferiority_e_value(0, 0, 0, margin) == 1.0


def _crossing_rate(p_b: float, p_c: float, kind: str, runs: int, items: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    crossed = 0
    for _ in range(runs):
        x = rng.choice([1, -1, 0], size=items, p=[p_b, p_c, 1 - p_b - p_c])
        b = np.cumsum(x == 1)
        c = np.cumsum(x == -1)
        for t in range(items):
            decision = sequential_decision(int(b[t]), int(c[t]), t + 1)
            if decision.status == kind:
                crossed += 1
                break
    return crossed / runs


def test_anytime_validity_under_the_null() -> None:
    # degraded: no change at all; non-inferiority: derivative worse by exactly the margin.
    assert _crossing_rate(0.1, 0.1, "degraded", 300, 150, 1) <= 0.05 + 0.03
    assert _crossing_rate(0.08, 0.05, "not_degraded", 300, 150, 2) <= 0.05 + 0.03


def test_stops_early_on_a_clearly_degraded_derivative() -> None:
    rng = np.random.default_rng(4)
    x = rng.choice([1, -1, 0], size=400, p=[0.2, 0.02, 0.78])
    b, c = np.cumsum(x == 1), np.cumsum(x == -1)
    statuses = [sequential_decision(int(b[t]), int(c[t]), t + 1).status for t in range(400)]
    assert "degraded" in statuses
    assert statuses.index("degraded") < 150
    assert "not_degraded" not in statuses


def test_decisions() -> None:
    assert sequential_decision(0, 0, 0).status == "continue"
    assert sequential_decision(12, 3, 200).status == "continue"  # E = 8.9 < 20
    assert sequential_decision(25, 2, 100).status == "degraded"
    assert sequential_decision(2, 2, 400).status == "not_degraded"
    d = sequential_decision(9, 7, 500, alpha=0.01)
    assert d.threshold == 100.0


def test_random_order_is_a_seeded_permutation() -> None:
    ids = [f"item-{i}" for i in range(20)]
    assert random_order(ids, 3) == random_order(ids, 3)
    assert sorted(random_order(ids, 3)) == sorted(ids)
    assert random_order(ids, 3) != random_order(ids, 4)


def test_invalid() -> None:
    with pytest.raises(UsageError):
        beta_binomial_e_value(-1, 0)
    with pytest.raises(UsageError):
        noninferiority_e_value(5, 5, 6, 0.03)
    with pytest.raises(UsageError):
        beta_binomial_e_value(1, 1, (0.0, 1.0))
