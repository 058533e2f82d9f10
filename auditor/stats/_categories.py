"""Per-category comparisons within one derivative, Holm-adjusted within that derivative.

Reported after (under) the overall test: a category flag never replaces the overall
verdict, it says where a change is concentrated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.errors import UsageError
from auditor.stats._multi import holm
from auditor.stats._paired import (
    DEFAULT_ALPHA,
    DEFAULT_MARGIN,
    PairedComparison,
    paired_from_counts,
)


@dataclass(frozen=True, slots=True)
class CategoryComparison:
    """One category's paired comparison with its Holm-adjusted one-sided mid-p."""

    category: str
    comparison: PairedComparison
    holm_p: float
    flagged: bool  # holm_p < alpha: degradation concentrated in this category


@dataclass(frozen=True, slots=True)
class CategoryComparisons:
    """Every category of one derivative, sorted by name."""

    rows: tuple[CategoryComparison, ...]
    alpha: float
    n: int  # number of categories
    method: str = "McNemar mid-p per category; Holm within the derivative"


def per_category(
    parent: Sequence[bool | None],
    child: Sequence[bool | None],
    categories: Sequence[str],
    *,
    margin: float = DEFAULT_MARGIN,
    alpha: float = DEFAULT_ALPHA,
) -> CategoryComparisons:
    """Paired comparison in each category; ``categories[i]`` is item i's category."""
    if not len(parent) == len(child) == len(categories):
        raise UsageError("parent, derivative and category lists must be aligned by item")
    cells = Counter(
        (k, bool(p), bool(q)) if p is not None and q is not None else (k, None, None)
        for k, p, q in zip(categories, parent, child, strict=True)
    )
    names = sorted(set(categories))
    comparisons = []
    for name in names:
        a, b = cells[(name, True, True)], cells[(name, False, True)]
        c, d = cells[(name, True, False)], cells[(name, False, False)]
        comparisons.append(
            paired_from_counts(
                b,
                c,
                a + b + c + d,
                a=a,
                margin=margin,
                alpha=alpha,
                n_excluded=cells[(name, None, None)],
            )
        )
    adjusted = holm([c.midp_one_sided for c in comparisons], alpha)
    rows = tuple(
        CategoryComparison(name, comp, p, p < alpha)
        for name, comp, p in zip(names, comparisons, adjusted.adjusted, strict=True)
    )
    return CategoryComparisons(rows=rows, alpha=alpha, n=len(rows))
