"""Agreement between two raters: Cohen's kappa of a square contingency table.

The judges measure themselves against human labels with it (the stance scale and the harm
decision), so it lives here once. statsmodels computes it; only the float leaves this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal


def cohens_kappa(
    table: Sequence[Sequence[int]], *, weights: Literal["linear"] | None = None
) -> float:
    """Cohen's kappa of ``table`` (rows: one rater, columns: the other, same categories).

    ``weights="linear"`` gives the weighted kappa on the ordered categories (Cohen 1968),
    disagreement weighted by distance; ``None`` treats them as nominal (Cohen 1960). nan when
    the table is empty or chance agreement is 1 (both raters used a single, same category).
    """
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa

    arr = np.asarray(table, dtype=float)
    if arr.sum() == 0:
        return float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):  # chance agreement 1: 0 / 0 = nan
        kappa = sm_cohens_kappa(arr, wt=weights, return_results=False)
    return float(kappa)
