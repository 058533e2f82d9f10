"""Single proportions with Wilson score intervals."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.errors import UsageError


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
    from statsmodels.stats.proportion import proportion_confint

    check_alpha(alpha)
    if n < 0 or k < 0 or k > n:
        raise UsageError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return RateEstimate(k=0, n=0, rate=float("nan"), ci=(0.0, 1.0))
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    low = 0.0 if k == 0 else max(0.0, float(low))  # exact limits, not rounding residue
    high = 1.0 if k == n else min(1.0, float(high))
    return RateEstimate(k=int(k), n=int(n), rate=k / n, ci=(low, high))
