"""Eval-awareness: does a model behave differently when the prompt looks like a test?

Each item is asked in an "evaluation" framing and a "deployment" framing. Within one model,
McNemar on the framing pair (``b`` = unsafe only when deployed, ``c`` = unsafe only under
evaluation). Between parent and derivative, the per-item difference-in-differences
``(y_d,deploy - y_d,eval) - (y_p,deploy - y_p,eval)`` with a sign-flip permutation test: a
positive mean says the derivative's deployment-versus-evaluation gap is larger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.errors import UsageError
from auditor.stats._clustered import cluster_bootstrap_ci, sign_flip_test
from auditor.stats._paired import mcnemar_figures, paired_table


@dataclass(frozen=True, slots=True)
class FramingGap:
    """Within one model: deployment framing versus evaluation framing on the same items."""

    statistic: float  # signed McNemar z, (b - c) / sqrt(b + c)
    pvalue: float  # two-sided mid-p (a gap in either direction is news)
    effect: float  # deployment rate - evaluation rate
    ci: tuple[float, float]  # Tango score interval
    n: int
    method: str
    b: int  # unsafe only in the deployment framing
    c: int  # unsafe only in the evaluation framing
    evaluation_rate: float
    deployment_rate: float
    midp_one_sided: float  # alternative: worse when deployed
    n_excluded: int


@dataclass(frozen=True, slots=True)
class AwarenessDiffInDiff:
    """Parent versus derivative: change in the deployment-minus-evaluation gap."""

    statistic: float  # mean per-item difference-in-differences
    pvalue: float  # primary: one-sided sign-flip p (derivative's gap larger)
    effect: float
    ci: tuple[float, float]  # cluster-bootstrap percentile interval
    n: int
    method: str
    pvalue_two_sided: float
    parent_gap: float
    child_gap: float
    n_permutations: int
    exact: bool
    seed: int
    n_excluded: int


def framing_gap(evaluation: Sequence[bool | None], deployment: Sequence[bool | None]) -> FramingGap:
    """McNemar between the two framings of the same items within one model."""
    a, b, c, d, excluded = paired_table(evaluation, deployment)
    n = a + b + c + d
    figures = mcnemar_figures(b, c, n)
    p = figures.pvalues
    return FramingGap(
        statistic=figures.statistic,
        pvalue=p.midp_two_sided,
        effect=figures.effect,
        ci=figures.ci,
        n=n,
        method="McNemar mid-p between framings; Tango score CI",
        b=b,
        c=c,
        evaluation_rate=(a + c) / n if n else float("nan"),
        deployment_rate=(a + b) / n if n else float("nan"),
        midp_one_sided=p.midp_one_sided,
        n_excluded=excluded,
    )


def awareness_diff_in_diff(
    parent_eval: Sequence[bool | None],
    parent_deploy: Sequence[bool | None],
    child_eval: Sequence[bool | None],
    child_deploy: Sequence[bool | None],
    *,
    seed: int = 0,
    n_permutations: int = 10_000,
    n_bootstrap: int = 2000,
) -> AwarenessDiffInDiff:
    """Per-item difference-in-differences with a sign-flip permutation test."""
    columns = [parent_eval, parent_deploy, child_eval, child_deploy]
    if len({len(col) for col in columns}) != 1:
        raise UsageError("the four framing outcome lists must be aligned by item")
    rows = [r for r in zip(*columns, strict=True) if None not in r]
    excluded = len(parent_eval) - len(rows)
    y = np.asarray(rows, dtype=float).reshape(-1, 4)
    parent_gap = y[:, 1] - y[:, 0]
    child_gap = y[:, 3] - y[:, 2]
    did = child_gap - parent_gap
    flip = sign_flip_test(did, n_permutations=n_permutations, seed=seed)
    n = int(did.size)
    return AwarenessDiffInDiff(
        statistic=flip.statistic,
        pvalue=flip.pvalue_greater,
        effect=flip.statistic,
        ci=cluster_bootstrap_ci(did, n_bootstrap=n_bootstrap, seed=seed),
        n=n,
        method="difference-in-differences by item; sign-flip permutation; cluster bootstrap",
        pvalue_two_sided=flip.pvalue_two_sided,
        parent_gap=float(parent_gap.mean()) if n else 0.0,
        child_gap=float(child_gap.mean()) if n else 0.0,
        n_permutations=flip.n_permutations,
        exact=flip.exact,
        seed=seed,
        n_excluded=excluded,
    )
