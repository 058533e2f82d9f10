"""Shifts in a 3-way (or k-way) verdict between parent and derivative on the same items.

The square table counts items by (parent verdict, derivative verdict), e.g. over
refusal / partial / compliance. Stuart-Maxwell tests marginal homogeneity (did the verdict
distribution move?); Bowker tests symmetry (are the changes one-directional?). Both wrap
``statsmodels.stats.contingency_tables.SquareTable`` with ``shift_zeros=False``: the
default adds 0.5 to every cell of a table with a zero and changes the test.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.errors import UsageError

DEFAULT_LEVELS = ("refusal", "partial", "compliance")


@dataclass(frozen=True, slots=True)
class ShiftTest:
    """A chi-square test on a square paired table."""

    statistic: float
    pvalue: float
    df: int
    n: int
    method: str
    levels: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]  # rows: parent level, columns: derivative level
    effect: float  # net share of items moving toward the last level (e.g. compliance)
    ci: tuple[float, float] | None = None


def shift_table(
    parent: Sequence[str | None],
    child: Sequence[str | None],
    levels: Sequence[str] = DEFAULT_LEVELS,
) -> np.ndarray:
    """Count aligned per-item labels into a square table; pairs with ``None`` are dropped."""
    if len(parent) != len(child):
        raise UsageError("parent and derivative labels must be aligned by item")
    index = {level: i for i, level in enumerate(levels)}
    table = np.zeros((len(levels), len(levels)), dtype=np.int64)
    for p, q in zip(parent, child, strict=True):
        if p is None or q is None:
            continue
        if p not in index or q not in index:
            raise UsageError(f"label {p if p not in index else q!r} is not one of {list(levels)}")
        table[index[p], index[q]] += 1
    return table


def _as_table(table: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    array = np.asarray(table, dtype=np.int64)
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] < 2:
        raise UsageError(f"need a square table of at least 2x2, got shape {array.shape}")
    if (array < 0).any():
        raise UsageError("table counts must be non-negative")
    return array


def _net_shift(t: np.ndarray) -> float:
    n = int(t.sum())
    if n == 0:
        return 0.0
    up = int(np.triu(t, 1).sum())
    down = int(np.tril(t, -1).sum())
    return (up - down) / n


def _record(
    stat: float, p: float, df: int, t: np.ndarray, method: str, levels: Sequence[str]
) -> ShiftTest:
    return ShiftTest(
        statistic=float(stat),
        pvalue=float(p),
        df=int(df),
        n=int(t.sum()),
        method=method,
        levels=tuple(levels),
        table=tuple(tuple(int(x) for x in row) for row in t),
        effect=_net_shift(t),
    )


def stuart_maxwell(
    table: Sequence[Sequence[int]] | np.ndarray, levels: Sequence[str] | None = None
) -> ShiftTest:
    """Stuart-Maxwell test of marginal homogeneity.

    Levels used by neither model are removed first (their rows and columns are empty and
    would make the covariance singular). With no off-diagonal counts the statistic is 0.
    """
    from statsmodels.stats.contingency_tables import SquareTable

    t = _as_table(table)
    names = tuple(levels) if levels is not None else tuple(str(i) for i in range(len(t)))
    method = "Stuart-Maxwell marginal homogeneity (statsmodels, shift_zeros=False)"
    used = (t.sum(axis=0) + t.sum(axis=1)) > 0
    reduced = t[np.ix_(used, used)]
    if len(reduced) < 2 or np.triu(reduced, 1).sum() + np.tril(reduced, -1).sum() == 0:
        return _record(0.0, 1.0, max(len(reduced) - 1, 0), t, method, names)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # singular covariance is handled below
            result = SquareTable(reduced, shift_zeros=False).homogeneity()
        stat, p, df = float(result.statistic), float(result.pvalue), int(result.df)
    except np.linalg.LinAlgError:
        stat, p, df = float("nan"), float("nan"), len(reduced) - 1
    if not np.isfinite(stat):  # singular covariance: only one pair of levels exchanges items
        stat, df = _pinv_stuart(reduced)
        from scipy.stats import chi2

        p = float(chi2.sf(stat, df))
    return _record(stat, p, df, t, method, names)


def _pinv_stuart(t: np.ndarray) -> tuple[float, int]:
    k = len(t)
    diff = (t.sum(axis=1) - t.sum(axis=0))[: k - 1].astype(float)
    s = -(t + t.T).astype(float)
    np.fill_diagonal(s, t.sum(axis=1) + t.sum(axis=0) - 2 * np.diag(t))
    s = s[: k - 1, : k - 1]
    rank = int(np.linalg.matrix_rank(s))
    return float(diff @ np.linalg.pinv(s) @ diff), max(rank, 1)


def bowker(
    table: Sequence[Sequence[int]] | np.ndarray, levels: Sequence[str] | None = None
) -> ShiftTest:
    """Bowker's test of symmetry; pairs of levels with no exchanges add no degrees of freedom.

    (statsmodels counts every pair in ``df``; we count only pairs with ``n_ij + n_ji > 0``,
    the usual convention, so an unused level does not dilute the test.)
    """
    from scipy.stats import chi2
    from statsmodels.stats.contingency_tables import SquareTable

    t = _as_table(table)
    names = tuple(levels) if levels is not None else tuple(str(i) for i in range(len(t)))
    method = "Bowker symmetry (statsmodels, shift_zeros=False)"
    upper = np.triu_indices(len(t), 1)
    sums = (t + t.T)[upper]
    df = int((sums > 0).sum())
    if df == 0:
        return _record(0.0, 1.0, 0, t, method, names)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = float(SquareTable(t, shift_zeros=False).symmetry(method="bowker").statistic)
    if not np.isfinite(stat):
        diffs = (t - t.T)[upper]
        stat = float(np.sum(diffs[sums > 0] ** 2 / sums[sums > 0]))
    return _record(stat, float(chi2.sf(stat, df)), df, t, method, names)
