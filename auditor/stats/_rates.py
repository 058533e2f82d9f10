"""Single proportions with Wilson score intervals."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.errors import UsageError
from auditor.stats._dist import norm_ppf, wilson_limits


@dataclass(frozen=True, slots=True)
class RateEstimate:
    """A proportion ``k / n`` with its Wilson score interval (Wilson 1927; Newcombe 1998)."""

    k: int
    n: int
    rate: float  # nan when n == 0
    ci: tuple[float, float]
    method: str = "Wilson score interval"

    @property
    def effect(self) -> float:
        return self.rate


def check_alpha(alpha: float) -> None:
    """Raise :class:`UsageError` unless ``0 < alpha < 1``."""
    if not 0.0 < alpha < 1.0:
        raise UsageError(f"alpha must be strictly between 0 and 1, got {alpha}")


def wilson_interval(k: int, n: int, alpha: float = 0.05) -> RateEstimate:
    """The Wilson score interval for ``k`` successes in ``n`` trials.

    With ``n == 0`` the rate is undefined (nan) and the interval is the whole of [0, 1].
    """
    check_alpha(alpha)
    if n < 0 or k < 0 or k > n:
        raise UsageError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return RateEstimate(k=0, n=0, rate=float("nan"), ci=(0.0, 1.0))
    ci = wilson_limits(k, n, norm_ppf(1.0 - alpha / 2.0))
    return RateEstimate(k=int(k), n=int(n), rate=k / n, ci=ci)
