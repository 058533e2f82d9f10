"""Verdicts for a family: one parent, many derivatives, each compared on the same items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditor.stats._multi import bh, holm
from auditor.stats._paired import PairedComparison, Verdict, decide_verdict


@dataclass(frozen=True, slots=True)
class FamilyVerdicts:
    """Per-derivative verdicts after Holm across the family.

    ``degraded_holm`` adjusts the one-sided mid-p values and ``noninferiority_holm`` the
    non-inferiority p-values (a "not degraded" claim is also an error if wrong);
    ``degraded_bh`` are BH q-values for a triage list (FDR, never used for a flag).
    """

    verdicts: tuple[Verdict, ...]
    degraded_holm: tuple[float, ...]
    noninferiority_holm: tuple[float, ...]
    degraded_bh: tuple[float, ...]
    alpha: float
    n: int
    method: str = "Holm across the family (FWER) for verdicts; BH q-values for triage"


def family_verdicts(comparisons: Sequence[PairedComparison], alpha: float = 0.05) -> FamilyVerdicts:
    """Holm-adjusted verdicts for every derivative of one parent (order kept)."""
    degraded = holm([c.midp_one_sided for c in comparisons], alpha)
    noninferior = holm([c.noninferiority_p for c in comparisons], alpha)
    triage = bh([c.midp_one_sided for c in comparisons], alpha)
    verdicts = tuple(
        decide_verdict(p_deg, p_ni, alpha)
        for p_deg, p_ni in zip(degraded.adjusted, noninferior.adjusted, strict=True)
    )
    return FamilyVerdicts(
        verdicts=verdicts,
        degraded_holm=degraded.adjusted,
        noninferiority_holm=noninferior.adjusted,
        degraded_bh=triage.adjusted,
        alpha=alpha,
        n=len(comparisons),
    )
