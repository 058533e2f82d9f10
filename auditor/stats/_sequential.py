"""Anytime-valid early stopping for one parent-derivative pair.

A fixed-n p-value must never be re-tested as data arrive. Instead, two e-processes are
updated after every item (items in random order), and a runner may stop as soon as one
crosses ``1 / alpha``: by Ville's inequality the chance that it ever does so under its null
is at most ``alpha``, whenever and however the runner decides to stop.

* Degradation (H0: the derivative is not worse, theta <= 1/2, where theta is the chance
  that a discordant pair is derivative-only): a beta-binomial mixture on the discordant
  pairs, E = int theta^b (1 - theta)^c pi(d theta) / 0.5^(b + c). With the prior on all
  of [0, 1] (``one_sided=False``) this is the mixture of docs/STATISTICS.md (b = 12, c = 3 gives
  4.50 with a uniform prior); it is valid for theta = 1/2 exactly. The stopping rule uses
  the prior restricted to theta >= 1/2, whose every component is a supermartingale under
  any theta <= 1/2, so it stays valid for the one-sided null.
* Non-inferiority (H0: delta >= margin, delta = p_b - p_c): every item gives
  X = +1 (derivative-only), -1 (parent-only) or 0, and E[X] = delta. The e-process is an
  equal-weight mixture over a grid of bets lambda of prod (1 + lambda (margin - X)), a test
  martingale under H0 (Waudby-Smith & Ramdas 2024, JRSS-B 86:1). It depends on the counts
  only, so the runner passes ``b``, ``c``, ``n`` so far.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from auditor.errors import UsageError
from auditor.stats._rates import check_alpha

SequentialStatus = Literal["degraded", "not_degraded", "continue"]
_N_BETS = 40


@dataclass(frozen=True, slots=True)
class SequentialDecision:
    """What a runner may do after the items seen so far."""

    status: SequentialStatus  # "continue" until one e-value reaches 1 / alpha
    e_degraded: float
    e_noninferior: float
    threshold: float  # 1 / alpha
    b: int
    c: int
    n: int
    alpha: float
    margin: float
    method: str = (
        "one-sided beta-binomial e-process on discordant pairs; betting e-process for "
        "non-inferiority; stop when either reaches 1/alpha"
    )


def _log_upper_beta(p: float, q: float) -> float:
    """log of the integral of theta^(p-1) (1-theta)^(q-1) over [1/2, 1]."""
    from scipy.special import betaincc, betaln

    tail = float(betaincc(p, q, 0.5))
    return betaln(p, q) + (math.log(tail) if tail > 0 else -math.inf)


def beta_binomial_e_value(
    b: int, c: int, prior: tuple[float, float] = (1.0, 1.0), *, one_sided: bool = False
) -> float:
    """The beta-binomial mixture e-value of ``b`` derivative-only vs ``c`` parent-only pairs."""
    from scipy.special import betaln

    if b < 0 or c < 0:
        raise UsageError(f"counts must be non-negative, got b={b}, c={c}")
    alpha0, beta0 = prior
    if alpha0 <= 0 or beta0 <= 0:
        raise UsageError(f"beta prior parameters must be positive, got {prior}")
    if one_sided:
        log_e = _log_upper_beta(b + alpha0, c + beta0) - _log_upper_beta(alpha0, beta0)
    else:
        log_e = betaln(b + alpha0, c + beta0) - betaln(alpha0, beta0)
    return float(math.exp(min(log_e + (b + c) * math.log(2.0), 700.0)))


@lru_cache(maxsize=64)
def _bets(margin: float) -> np.ndarray:
    """Equally spaced bets on (0, 0.95 / (1 - margin)]: every factor stays positive."""
    bets = np.linspace(0.0, 0.95 / (1.0 - margin), _N_BETS + 1)[1:]
    bets.setflags(write=False)
    return bets


def noninferiority_e_value(b: int, c: int, n: int, margin: float) -> float:
    """Mixture-of-bets e-value against H0: delta >= margin after ``n`` items."""
    if not 0.0 < margin < 1.0:
        raise UsageError(f"the margin must be in (0, 1), got {margin}")
    if b < 0 or c < 0 or b + c > n:
        raise UsageError(f"need 0 <= b, c and b + c <= n, got b={b}, c={c}, n={n}")
    lambdas = _bets(margin)
    log_wealth = (
        b * np.log1p(lambdas * (margin - 1.0))
        + c * np.log1p(lambdas * (margin + 1.0))
        + (n - b - c) * np.log1p(lambdas * margin)
    )
    top = float(log_wealth.max())
    return float(math.exp(min(top + math.log(np.mean(np.exp(log_wealth - top))), 700.0)))


def sequential_decision(
    b: int,
    c: int,
    n: int,
    *,
    alpha: float = 0.05,
    margin: float = 0.03,
    prior: tuple[float, float] = (1.0, 1.0),
) -> SequentialDecision:
    """Call after each item with the counts so far: may the runner stop?

    ``degraded`` when the one-sided degradation e-value reaches ``1/alpha``;
    ``not_degraded`` when the non-inferiority e-value does; else ``continue``.
    """
    check_alpha(alpha)
    e_deg = beta_binomial_e_value(b, c, prior, one_sided=True)
    e_ni = noninferiority_e_value(b, c, n, margin)
    threshold = 1.0 / alpha
    status: SequentialStatus = (
        "degraded" if e_deg >= threshold else "not_degraded" if e_ni >= threshold else "continue"
    )
    return SequentialDecision(status, e_deg, e_ni, threshold, b, c, n, alpha, margin)


def random_order(item_ids: Sequence[str], seed: int) -> list[str]:
    """The items in a seeded random order (the e-processes assume exchangeable items)."""
    rng = np.random.default_rng(seed)
    return [item_ids[i] for i in rng.permutation(len(item_ids))]
