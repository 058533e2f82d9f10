"""Fast scalar distribution functions (scipy.special ufuncs, not scipy.stats objects).

``scipy.stats`` distribution methods cost ~50 microseconds per scalar call in argument
checking; a 500-derivative family runs tens of thousands of them, so the hot paths use the
underlying special functions. The tests check these against ``scipy.stats``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special


def norm_ppf(q: float) -> float:
    return float(special.ndtri(q))


def norm_cdf(x: float) -> float:
    return float(special.ndtr(x))


def chi2_sf(x: float, df: int) -> float:
    return float(special.chdtrc(df, x))


def binom_half_cdf(k: int, m: int) -> float:
    """P(X <= k) for X ~ Bin(m, 1/2)."""
    if k < 0:
        return 0.0
    if k >= m:
        return 1.0
    return float(special.bdtr(k, m, 0.5))


def binom_half_pmf(k: int, m: int) -> float:
    """P(X = k) for X ~ Bin(m, 1/2), exact in integers before the one division."""
    if k < 0 or k > m:
        return 0.0
    return math.comb(m, k) / 2**m


def wilson_limits_array(k: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`wilson_limits` (every ``n`` > 0)."""
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n)
    half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / (1.0 + z2 / n)
    low = np.where(k == 0, 0.0, np.maximum(0.0, centre - half))
    high = np.where(k == n, 1.0, np.minimum(1.0, centre + half))
    return low, high


def wilson_limits(k: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score limits for ``k`` of ``n`` (n > 0) at normal quantile ``z``."""
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n)
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / (1.0 + z2 / n)
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high
