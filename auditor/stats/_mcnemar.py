"""McNemar tests on the discordant pairs of a paired 2x2 table.

``b`` counts items where only the derivative has the outcome (e.g. unsafe compliance),
``c`` items where only the parent has it. Conditional on ``m = b + c``, ``b ~ Bin(m, 1/2)``
under the null of no change. The mid-p version is the primary test (Fagerland, Lydersen &
Laake 2013, BMC Med Res Methodol 13:91): it keeps the nominal level and is nearly as
powerful as the asymptotic test, while the exact and continuity-corrected tests are too
conservative.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from auditor.errors import UsageError
from auditor.stats._dist import binom_half_cdf, binom_half_pmf, chi2_sf


@dataclass(frozen=True, slots=True)
class McNemarPValues:
    """Every McNemar p-value for one pair of discordant counts.

    With no discordant pairs (``b + c == 0``) there is no evidence either way and every
    p-value is 1 (the mid-p formula would give 1/2, an artefact of the half-weight on an
    empty sample).
    """

    b: int
    c: int
    statistic: float  # McNemar chi-square (b - c)^2 / (b + c), no correction; 0 if b + c == 0
    midp_one_sided: float  # alternative: b > c ("derivative worse")
    midp_two_sided: float
    exact_one_sided: float
    exact_two_sided: float
    asymptotic_two_sided: float
    corrected_two_sided: float  # Edwards' continuity correction
    method: str = "McNemar mid-p (Fagerland et al. 2013)"


def check_discordant(b: int, c: int) -> None:
    if b < 0 or c < 0:
        raise UsageError(f"discordant counts must be non-negative, got b={b}, c={c}")


@lru_cache(maxsize=8192)
def mcnemar_pvalues(b: int, c: int) -> McNemarPValues:
    """All McNemar p-values for ``b`` derivative-only and ``c`` parent-only outcomes."""
    check_discordant(b, c)
    m = b + c
    if m == 0:
        return McNemarPValues(b, c, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    pmf_b = binom_half_pmf(b, m)
    upper_exact = binom_half_cdf(c, m)  # P(X >= b) = P(m - X <= c), the law is symmetric
    exact_two = min(1.0, 2.0 * binom_half_cdf(min(b, c), m))
    if b == c:
        midp_two = 1.0 - 0.5 * pmf_b
    else:
        midp_two = exact_two - pmf_b
    stat = (b - c) ** 2 / m
    corrected = max(abs(b - c) - 1, 0) ** 2 / m
    return McNemarPValues(
        b=b,
        c=c,
        statistic=float(stat),
        midp_one_sided=upper_exact - 0.5 * pmf_b,
        midp_two_sided=float(midp_two),
        exact_one_sided=upper_exact,
        exact_two_sided=exact_two,
        asymptotic_two_sided=chi2_sf(stat, 1),
        corrected_two_sided=chi2_sf(corrected, 1),
    )
