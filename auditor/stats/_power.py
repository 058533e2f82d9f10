"""Power of the paired comparison (Connor 1987, Biometrics 43:207).

For a rise ``delta`` in the derivative's rate and a discordance rate ``psi`` (the share of
items on which parent and derivative differ), McNemar's test needs

    n = [z_a sqrt(psi) + z_b sqrt(psi - delta^2)]^2 / delta^2

items for power ``1 - beta``. Turned around, a run of ``n`` items could detect (with that
power) rises of at least the smallest ``delta`` that solves the equation: that is what a
report means by "could have detected".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from auditor.errors import UsageError
from auditor.stats._dist import norm_ppf
from auditor.stats._rates import check_alpha


@dataclass(frozen=True, slots=True)
class DetectableRise:
    """The smallest rise a run of ``n`` items could detect with the given power."""

    rise: float | None  # None: no rise up to the largest possible is detectable
    n: int
    base_discordance: float  # per direction, pooled (b + c) / (2n)
    alpha: float
    power: float
    one_sided: bool
    method: str = "Connor (1987) sample size for McNemar's test, inverted"


def _z(alpha: float, power: float, one_sided: bool) -> tuple[float, float]:
    check_alpha(alpha)
    if not 0.0 < power < 1.0:
        raise UsageError(f"power must be strictly between 0 and 1, got {power}")
    z_alpha = norm_ppf(1.0 - (alpha if one_sided else alpha / 2.0))
    return z_alpha, norm_ppf(power)


def connor_sample_size(
    rise: float,
    discordance: float,
    alpha: float = 0.05,
    power: float = 0.8,
    *,
    one_sided: bool = True,
) -> int:
    """Items needed to detect ``rise`` when a share ``discordance`` of items is discordant."""
    if not 0.0 < rise <= discordance <= 1.0:
        raise UsageError(
            f"need 0 < rise <= discordance <= 1, got rise={rise}, discordance={discordance}"
        )
    z_alpha, z_beta = _z(alpha, power, one_sided)
    root = z_alpha * math.sqrt(discordance) + z_beta * math.sqrt(discordance - rise**2)
    return math.ceil(root**2 / rise**2 - 1e-9)


@lru_cache(maxsize=8192)
def smallest_detectable_rise(
    n: int,
    base_discordance: float,
    alpha: float = 0.05,
    power: float = 0.8,
    *,
    one_sided: bool = True,
) -> DetectableRise:
    """The smallest rise detectable by ``n`` items.

    ``base_discordance`` is the rate of discordance in each direction that does not come
    from the rise itself (estimate it as ``(b + c) / (2n)``); a rise ``delta`` then gives a
    discordance ``psi = 2 * base + delta``.
    """
    from scipy.optimize import brentq

    z_alpha, z_beta = _z(alpha, power, one_sided)
    base = min(max(base_discordance, 0.0), 0.5)
    result = DetectableRise(None, n, base, alpha, power, one_sided)
    top = 1.0 - 2.0 * base
    if n <= 0 or top <= 0.0:
        return result

    def excess(delta: float) -> float:
        psi = 2.0 * base + delta
        root = z_alpha * math.sqrt(psi) + z_beta * math.sqrt(max(psi - delta**2, 0.0))
        return n * delta**2 - root**2

    if excess(top) < 0.0:
        return result
    rise = float(brentq(excess, 1e-12, top, xtol=1e-10))
    return DetectableRise(rise, n, base, alpha, power, one_sided)
