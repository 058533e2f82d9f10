"""Score intervals and the score non-inferiority test for a paired difference.

The difference is ``delta = (b - c) / n`` (derivative rate minus parent rate). Tango's
asymptotic score statistic (Tango 1998, Stat Med 17:891; correction 1999, 18:3511) is

    T(d) = (b - c - n d) / sqrt(n (2 q(d) + d (1 - d)))

where ``q(d)`` is the maximum-likelihood estimate of the parent-only cell probability under
the constraint ``p_b - p_c = d``: the positive root of ``2n q^2 + B q + C = 0`` with
``B = -b - c + (2n - b + c) d`` and ``C = -c d (1 - d)``. The interval is
``{d : |T(d)| <= z}``; the non-inferiority p-value at margin ``m`` is ``Phi(T(m))``
(H0: delta >= m, derivative worse by at least the margin).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from auditor.stats._dist import norm_cdf, norm_ppf, wilson_limits, wilson_limits_array

_EDGE = 1e-12
_ENVELOPE_GRID = 20_001  # splits evaluated exhaustively up to this many


def tango_statistic(d: float, b: int, c: int, n: int) -> float:
    """Tango's score statistic for H0: delta = d (decreasing in ``d``)."""
    a2 = 2.0 * n
    bq = -b - c + (2.0 * n - b + c) * d
    cq = -c * d * (1.0 - d)
    q = (math.sqrt(max(bq * bq - 4.0 * a2 * cq, 0.0)) - bq) / (2.0 * a2)
    numerator = b - c - n * d
    variance = n * (2.0 * q + d * (1.0 - d))
    if numerator == 0.0:
        return 0.0
    if variance <= 0.0:
        return math.copysign(math.inf, numerator)
    return numerator / math.sqrt(variance)


def _root(f_target: float, b: int, c: int, n: int, lo: float, hi: float) -> float:
    from scipy.optimize import brentq

    def g(d: float) -> float:
        return tango_statistic(d, b, c, n) - f_target

    if g(lo) * g(hi) > 0:
        return lo if abs(g(lo)) < abs(g(hi)) else hi
    return float(brentq(g, lo, hi, xtol=1e-12))


@lru_cache(maxsize=8192)
def tango_ci(b: int, c: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Tango's asymptotic score interval for ``(b - c) / n`` (two-sided, level 1 - alpha).

    Memoised: a family repeats the same small tables (per category) many times.
    """
    if n <= 0:
        return (-1.0, 1.0)
    z = norm_ppf(1.0 - alpha / 2.0)
    estimate = (b - c) / n
    low = -1.0 if estimate <= -1.0 else _root(z, b, c, n, -1.0 + _EDGE, estimate)
    high = 1.0 if estimate >= 1.0 else _root(-z, b, c, n, estimate, 1.0 - _EDGE)
    return (max(-1.0, low), min(1.0, high))


def tango_noninferiority(b: int, c: int, n: int, margin: float) -> tuple[float, float]:
    """Tango score test of H0: delta >= margin against H1: delta < margin.

    Returns ``(statistic, p)``; a small p is evidence that the derivative is worse by less
    than the margin (non-inferiority).
    """
    if n <= 0:
        return (0.0, 1.0)
    stat = tango_statistic(margin, b, c, n)
    return (stat, norm_cdf(stat))


def newcombe_ci(a: int, b: int, c: int, d: int, alpha: float = 0.05) -> tuple[float, float]:
    """Newcombe's hybrid score interval for a paired difference (Newcombe 1998, method 10).

    ``a`` = both have the outcome, ``d`` = neither. Square-and-add of the two Wilson
    intervals with the correlation ``phi`` (numerator reduced by n/2 when ad > bc, as in
    Newcombe 1998 and the R package ``contingencytables``).
    """
    n = a + b + c + d
    if n <= 0:
        return (-1.0, 1.0)
    z = norm_ppf(1.0 - alpha / 2.0)
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson_limits(a + b, n, z)
    l2, u2 = wilson_limits(a + c, n, z)
    denominator = float(a + b) * (c + d) * (a + c) * (b + d)
    numerator = float(a) * d - float(b) * c
    if numerator > 0:
        numerator = max(numerator - n / 2.0, 0.0)
    phi = numerator / math.sqrt(denominator) if denominator > 0 else 0.0
    dl2 = (p1 - l1) ** 2 - 2.0 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    du2 = (u1 - p1) ** 2 - 2.0 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2
    return (
        max(-1.0, p1 - p2 - math.sqrt(max(dl2, 0.0))),
        min(1.0, p1 - p2 + math.sqrt(max(du2, 0.0))),
    )


def newcombe_ci_envelope(b: int, c: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """The widest Newcombe interval over every split of the ``n - b - c`` concordant items.

    Newcombe's interval depends on how the concordant items divide into "both" and
    "neither"; when only ``b``, ``c`` and ``n`` are known, this envelope contains the
    interval of whichever table produced them.
    """
    if n <= 0:
        return (-1.0, 1.0)
    concordant = n - b - c
    if concordant < _ENVELOPE_GRID:
        a = np.arange(concordant + 1)
        low, high = _newcombe_arrays(a, b, c, concordant - a, alpha)
        return (float(low.min()), float(high.max()))
    # Very large tables: a coarse grid, then every split between the grid points around each
    # extreme (the limits move smoothly with the split at this size).
    grid = np.unique(np.linspace(0, concordant, _ENVELOPE_GRID).round().astype(np.int64))
    low, high = _newcombe_arrays(grid, b, c, concordant - grid, alpha)
    lows, highs = [float(low.min())], [float(high.max())]
    for i, pick in ((int(low.argmin()), lows), (int(high.argmax()), highs)):
        start, stop = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        a = np.arange(start, stop + 1)
        fine_low, fine_high = _newcombe_arrays(a, b, c, concordant - a, alpha)
        pick.append(float(fine_low.min()) if pick is lows else float(fine_high.max()))
    return (min(lows), max(highs))


def _newcombe_arrays(
    a: np.ndarray, b: int, c: int, d: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    a = a.astype(float)
    d = d.astype(float)
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    z = norm_ppf(1.0 - alpha / 2.0)
    l1, u1 = wilson_limits_array(a + b, n, z)
    l2, u2 = wilson_limits_array(a + c, n, z)
    denominator = (a + b) * (c + d) * (a + c) * (b + d)
    numerator = a * d - float(b) * c
    numerator = np.where(numerator > 0, np.maximum(numerator - n / 2.0, 0.0), numerator)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(denominator > 0, numerator / np.sqrt(denominator), 0.0)
    dl2 = (p1 - l1) ** 2 - 2.0 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    du2 = (u1 - p1) ** 2 - 2.0 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2
    estimate = p1 - p2
    low = np.maximum(-1.0, estimate - np.sqrt(np.maximum(dl2, 0.0)))
    high = np.minimum(1.0, estimate + np.sqrt(np.maximum(du2, 0.0)))
    return low, high
