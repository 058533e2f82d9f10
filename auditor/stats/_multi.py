"""Multiplicity across a family of derivatives (or categories within one).

Holm (1979) controls the family-wise error rate under any dependence: use it for any flag
that names a derivative as degraded. Benjamini-Hochberg (1995) q-values control the false
discovery rate: use them only for triage lists, labelled as FDR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.errors import UsageError
from auditor.stats._rates import check_alpha


@dataclass(frozen=True, slots=True)
class AdjustedPValues:
    """Raw and adjusted p-values, in the order given, with the rejections at ``alpha``."""

    pvalues: tuple[float, ...]
    adjusted: tuple[float, ...]
    reject: tuple[bool, ...]
    alpha: float
    method: str
    n: int


def _validated(pvalues: Sequence[float], alpha: float) -> np.ndarray:
    check_alpha(alpha)
    p = np.asarray(list(pvalues), dtype=float)
    if p.size and (np.isnan(p).any() or (p < 0).any() or (p > 1).any()):
        raise UsageError("p-values must lie in [0, 1] (no NaN)")
    return p


def _record(p: np.ndarray, adjusted: np.ndarray, alpha: float, label: str) -> AdjustedPValues:
    return AdjustedPValues(
        pvalues=tuple(float(x) for x in p),
        adjusted=tuple(float(x) for x in adjusted),
        reject=tuple(bool(x) for x in adjusted < alpha),
        alpha=alpha,
        method=label,
        n=int(p.size),
    )


def holm(pvalues: Sequence[float], alpha: float = 0.05) -> AdjustedPValues:
    """Holm step-down adjusted p-values (family-wise error rate); reject where < alpha.

    Computed in numpy (identical to ``statsmodels.stats.multitest.multipletests(...,
    "holm")``, which the tests check) because that function runs a full garbage collection
    on every call, too slow for a family of hundreds of derivatives.
    """
    p = _validated(pvalues, alpha)
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled) if m else scaled
    return _record(p, adjusted, alpha, "Holm step-down (FWER)")


def bh(pvalues: Sequence[float], alpha: float = 0.05) -> AdjustedPValues:
    """Benjamini-Hochberg q-values (false discovery rate; for triage, not for flags)."""
    p = _validated(pvalues, alpha)
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, m / np.arange(1, m + 1) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum.accumulate(scaled[::-1])[::-1] if m else scaled
    return _record(p, adjusted, alpha, "Benjamini-Hochberg q-values (FDR)")
