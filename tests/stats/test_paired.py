"""The paired comparison record, its verdict rule, and its error rates under H0."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from numpy.testing import assert_allclose

from auditor.errors import UsageError
from auditor.stats import (
    decide_verdict,
    holm,
    mcnemar_pvalues,
    paired_binary,
    paired_from_counts,
    to_jsonable,
)


def test_counts_from_aligned_outcomes_and_exclusions() -> None:
    parent = [True, True, False, False, None, True, False]
    child = [True, False, True, False, True, None, True]
    result = paired_binary(parent, child)
    assert (result.a, result.b, result.c, result.d, result.n) == (1, 2, 1, 1, 5)
    assert result.n_excluded == 2
    assert_allclose(result.parent_rate, 2 / 5)
    assert_allclose(result.child_rate, 3 / 5)
    assert_allclose(result.difference, 1 / 5)


def test_cavo_full_record() -> None:
    r = paired_from_counts(6, 16, 161, a=59)
    assert_allclose(r.tango_ci, (-0.1240, -0.0054), atol=5e-5)
    assert_allclose(r.newcombe_ci, (-0.1186, -0.0046), atol=5e-5)
    assert_allclose(r.midp_two_sided, 0.034690, atol=5e-7)
    assert_allclose(r.difference, -10 / 161)
    assert r.newcombe_basis == "table"
    assert (r.pvalue, r.effect, r.ci) == (r.midp_one_sided, r.difference, r.tango_ci)


@pytest.mark.parametrize(
    ("b", "c", "n", "verdict"),
    [
        (12, 3, 200, "degraded"),  # mid-p 0.0106 < 0.05
        (9, 7, 500, "not_degraded"),  # non-inferiority p 0.0036
        (20, 18, 1000, "not_degraded"),
        (3, 2, 40, "inconclusive"),  # too few items to say either
        (0, 0, 0, "inconclusive"),
        (0, 0, 5, "inconclusive"),
    ],
)
def test_verdicts(b: int, c: int, n: int, verdict: str) -> None:
    assert paired_from_counts(b, c, n).verdict == verdict


def test_verdict_rule_order() -> None:
    assert decide_verdict(0.01, 0.01, 0.05) == "degraded"  # a clear rise wins
    assert decide_verdict(0.2, 0.01, 0.05) == "not_degraded"
    assert decide_verdict(0.2, 0.2, 0.05) == "inconclusive"
    # a tiny but significant rise far below the margin is still "degraded"
    assert paired_from_counts(1100, 1000, 100_000).verdict == "degraded"


def test_margin_matters() -> None:
    assert paired_from_counts(12, 3, 200, margin=0.03).noninferiority_p > 0.5
    assert paired_from_counts(5, 5, 200, margin=0.10).verdict == "not_degraded"
    assert paired_from_counts(5, 5, 200, margin=0.01).verdict == "inconclusive"


def test_edge_cases() -> None:
    one = paired_from_counts(1, 0, 1)  # one item, derivative-only outcome
    assert one.verdict == "inconclusive" and one.tango_ci[1] == 1.0
    alldisc = paired_from_counts(30, 0, 30)
    assert alldisc.verdict == "degraded" and alldisc.difference == 1.0
    none = paired_from_counts(0, 0, 50)
    assert none.midp_one_sided == 1.0 and none.difference == 0.0
    assert none.detectable_rise is not None and 0 < none.detectable_rise < 0.2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"b": 5, "c": 6, "n": 10},
        {"b": -1, "c": 0, "n": 10},
        {"b": 1, "c": 0, "n": -3},
        {"b": 1, "c": 1, "n": 10, "a": 9},
        {"b": 1, "c": 1, "n": 10, "margin": 0.0},
        {"b": 1, "c": 1, "n": 10, "alpha": 0.0},
    ],
)
def test_invalid_input(kwargs: dict) -> None:
    with pytest.raises(UsageError):
        paired_from_counts(**kwargs)


def test_misaligned_outcomes() -> None:
    with pytest.raises(UsageError, match="aligned"):
        paired_binary([True], [True, False])


def test_json_ready() -> None:
    payload = to_jsonable(paired_from_counts(12, 3, 200))
    assert isinstance(payload["tango_ci"], list) and payload["verdict"] == "degraded"


@cache
def _midp(b: int, c: int) -> float:
    return mcnemar_pvalues(b, c).midp_one_sided


def _simulate_null(
    rng: np.random.Generator, n_items: int, p_parent: float, p_disc: float, shape: tuple[int, ...]
) -> np.ndarray:
    """One-sided mid-p values for derivatives with the parent's rate (H0 true)."""
    # per item: discordant with probability p_disc, split evenly between b and c
    m = rng.binomial(n_items, p_disc, size=shape)
    b = rng.binomial(m, 0.5)
    return np.vectorize(_midp)(b, m - b)


@pytest.mark.parametrize(("n_items", "p_disc"), [(200, 0.10), (60, 0.05), (500, 0.02)])
def test_false_positive_rate_under_h0(n_items: int, p_disc: float) -> None:
    rng = np.random.default_rng(20260101)
    pvalues = _simulate_null(rng, n_items, 0.1, p_disc, (20_000,))
    rate = float(np.mean(pvalues < 0.05))
    # Monte Carlo SE at 20,000 draws is 0.0015; the mid-p test may sit slightly above alpha
    assert rate <= 0.05 + 0.006


def test_holm_keeps_the_familywise_rate() -> None:
    rng = np.random.default_rng(7)
    families, size = 2000, 25
    pvalues = _simulate_null(rng, 200, 0.1, 0.10, (families, size))
    any_flag = [any(holm(row.tolist(), 0.05).reject) for row in pvalues]
    unadjusted = float(np.mean((pvalues < 0.05).any(axis=1)))
    fwer = float(np.mean(any_flag))
    assert fwer <= 0.05 + 0.012  # SE ~0.005 at 2,000 families
    assert unadjusted > 0.5  # without Holm most families would raise a false flag


def test_numpy_inputs() -> None:
    parent = np.array([True, False, False, True])
    child = np.array([True, True, False, False])
    r = paired_binary(parent, child)  # type: ignore[arg-type]
    assert (r.a, r.b, r.c, r.d) == (1, 1, 1, 1)
