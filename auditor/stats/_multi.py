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


def _adjust(pvalues: Sequence[float], alpha: float, method: str, label: str) -> AdjustedPValues:
    from statsmodels.stats.multitest import multipletests

    check_alpha(alpha)
    p = np.asarray(list(pvalues), dtype=float)
    if p.size and (np.isnan(p).any() or (p < 0).any() or (p > 1).any()):
        raise UsageError("p-values must lie in [0, 1] (no NaN)")
    if p.size == 0:
        return AdjustedPValues((), (), (), alpha, label, 0)
    reject, adjusted, _, _ = multipletests(p, alpha=alpha, method=method)
    return AdjustedPValues(
        pvalues=tuple(float(x) for x in p),
        adjusted=tuple(float(x) for x in adjusted),
        reject=tuple(bool(x) for x in reject),
        alpha=alpha,
        method=label,
        n=int(p.size),
    )


def holm(pvalues: Sequence[float], alpha: float = 0.05) -> AdjustedPValues:
    """Holm step-down adjusted p-values (family-wise error rate)."""
    return _adjust(pvalues, alpha, "holm", "Holm step-down (FWER)")


def bh(pvalues: Sequence[float], alpha: float = 0.05) -> AdjustedPValues:
    """Benjamini-Hochberg q-values (false discovery rate; for triage, not for flags)."""
    return _adjust(pvalues, alpha, "fdr_bh", "Benjamini-Hochberg q-values (FDR)")
