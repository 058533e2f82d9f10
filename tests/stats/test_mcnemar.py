"""McNemar p-values against published values and exact enumeration with fractions."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from numpy.testing import assert_allclose

from auditor.errors import UsageError
from auditor.stats import mcnemar_pvalues


def _pmf(k: int, m: int) -> Fraction:
    return Fraction(comb(m, k), 2**m)


def _enumerated(b: int, c: int) -> dict[str, float]:
    """Exact conditional and mid-p values by summing the Bin(b + c, 1/2) law term by term."""
    m = b + c
    upper = sum((_pmf(k, m) for k in range(b, m + 1)), Fraction(0))
    # two-sided: every outcome at most as likely as the observed one (symmetric law)
    extreme = [k for k in range(m + 1) if abs(2 * k - m) >= abs(2 * b - m)]
    two = sum((_pmf(k, m) for k in extreme), Fraction(0))
    at_observed = sum(_pmf(k, m) for k in extreme if abs(2 * k - m) == abs(2 * b - m))
    return {
        "exact_one_sided": float(upper),
        "midp_one_sided": float(upper - _pmf(b, m) / 2),
        "exact_two_sided": float(min(Fraction(1), two)),
        "midp_two_sided": float(two - at_observed / 2),
    }


def test_cavo_2012_reference_values() -> None:
    # docs/STATISTICS.md, matching R contingencytables: table [[59, 6], [16, 80]]
    p = mcnemar_pvalues(6, 16)
    assert_allclose(p.asymptotic_two_sided, 0.033006, atol=5e-7)
    assert_allclose(p.corrected_two_sided, 0.055009, atol=5e-7)
    assert_allclose(p.exact_two_sided, 0.052479, atol=5e-7)
    assert_allclose(p.midp_two_sided, 0.034690, atol=5e-7)


def test_b12_c3_reference_values() -> None:
    p = mcnemar_pvalues(12, 3)
    assert_allclose(p.exact_two_sided, 0.03516, atol=5e-6)
    assert_allclose(p.midp_two_sided, 0.02127, atol=5e-6)
    assert_allclose(p.asymptotic_two_sided, 0.02014, atol=5e-6)
    assert_allclose(p.corrected_two_sided, 0.03887, atol=5e-6)
    assert_allclose(p.exact_one_sided, 0.01758, atol=5e-6)
    assert_allclose(p.midp_one_sided, 0.01064, atol=5e-6)
    assert_allclose(p.statistic, 81 / 15)


def test_bentur_2009_example_from_fagerland_2013() -> None:
    # Fagerland, Lydersen & Laake (2013), airway hyper-responsiveness: b = 1, c = 7
    p = mcnemar_pvalues(1, 7)
    assert_allclose(p.exact_two_sided, 0.0703, atol=5e-5)
    assert_allclose(p.midp_two_sided, 0.0391, atol=5e-5)
    assert_allclose(p.asymptotic_two_sided, 0.0339, atol=5e-5)


@pytest.mark.parametrize(
    ("b", "c"), [(0, 1), (1, 0), (3, 3), (4, 9), (9, 4), (0, 12), (17, 0), (25, 14), (40, 41)]
)
def test_against_enumeration(b: int, c: int) -> None:
    p = mcnemar_pvalues(b, c)
    expected = _enumerated(b, c)
    for name, value in expected.items():
        assert_allclose(getattr(p, name), value, rtol=1e-10, err_msg=name)


def test_no_discordant_pairs_means_no_evidence() -> None:
    p = mcnemar_pvalues(0, 0)
    assert (p.midp_one_sided, p.midp_two_sided, p.exact_two_sided, p.asymptotic_two_sided) == (
        1.0,
        1.0,
        1.0,
        1.0,
    )
    assert p.statistic == 0.0


def test_one_sided_direction() -> None:
    assert mcnemar_pvalues(10, 0).midp_one_sided < 0.01
    assert mcnemar_pvalues(0, 10).midp_one_sided > 0.99


def test_negative_counts_rejected() -> None:
    with pytest.raises(UsageError, match="non-negative"):
        mcnemar_pvalues(-1, 3)


def test_agresti_presidential_approval() -> None:
    # Agresti (2002, Table 10.1): 1600 people asked twice; 150 approve -> disapprove, 86 back.
    # McNemar z = (86 - 150) / sqrt(236) = -4.17, chi-square 17.36 on 1 df.
    p = mcnemar_pvalues(150, 86)
    assert_allclose(p.statistic, 17.356, atol=5e-4)
    assert_allclose(p.asymptotic_two_sided, 3.1e-5, rtol=0.02)
