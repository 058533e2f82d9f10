"""Shifts in a 3-way (or k-way) verdict between parent and derivative on the same items.

The square table counts items by (parent verdict, derivative verdict), e.g. over
refusal / partial / compliance. Stuart-Maxwell tests marginal homogeneity (did the verdict
distribution move?); Bowker tests symmetry (are the changes one-directional?). Both are
computed on the table as observed: statsmodels' ``SquareTable`` default
(``shift_zeros=True``) adds 0.5 to every cell of a table with a zero and changes the test;
the tests check these functions against ``SquareTable(t, shift_zeros=False)``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditor.errors import UsageError
from auditor.stats._dist import chi2_sf

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
    pairs = Counter(zip(parent, child, strict=True))
    for (p, q), count in pairs.items():
        if p is None or q is None:
            continue
        if p not in index or q not in index:
            raise UsageError(f"label {p if p not in index else q!r} is not one of {list(levels)}")
        table[index[p], index[q]] += count
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
    """Stuart-Maxwell test of marginal homogeneity: ``d' V^-1 d`` on the margin differences.

    Levels used by neither model are removed first (their rows and columns are empty and
    would make ``V`` singular); when ``V`` is still singular (only some pairs of levels
    exchange items) a generalised inverse is used with ``df`` = its rank. With no
    off-diagonal counts the statistic is 0. Computed in numpy (statsmodels'
    ``SquareTable(t, shift_zeros=False).homogeneity()`` gives the same value on regular
    tables, which the tests check, at ~30 times the cost per table).
    """
    t = _as_table(table)
    names = tuple(levels) if levels is not None else tuple(str(i) for i in range(len(t)))
    method = "Stuart-Maxwell marginal homogeneity (no zero shift)"
    used = (t.sum(axis=0) + t.sum(axis=1)) > 0
    reduced = t[np.ix_(used, used)].astype(float)
    k = len(reduced)
    off_diagonal = reduced.sum() - np.trace(reduced)
    if k < 2 or off_diagonal == 0:
        return _record(0.0, 1.0, max(k - 1, 0), t, method, names)
    diff = (reduced.sum(axis=1) - reduced.sum(axis=0))[: k - 1]
    cov = -(reduced + reduced.T)
    np.fill_diagonal(cov, reduced.sum(axis=1) + reduced.sum(axis=0) - 2.0 * np.diag(reduced))
    cov = cov[: k - 1, : k - 1]
    scale = float(np.abs(cov).max()) ** (k - 1)
    if abs(float(np.linalg.det(cov))) > 1e-9 * scale:
        stat, df = float(diff @ np.linalg.solve(cov, diff)), k - 1
    else:  # singular: generalised inverse, degrees of freedom = rank
        stat = float(diff @ np.linalg.pinv(cov) @ diff)
        df = max(int(np.linalg.matrix_rank(cov)), 1)
    return _record(stat, chi2_sf(stat, df), df, t, method, names)


def bowker(
    table: Sequence[Sequence[int]] | np.ndarray, levels: Sequence[str] | None = None
) -> ShiftTest:
    """Bowker's test of symmetry: sum over pairs of ``(n_ij - n_ji)^2 / (n_ij + n_ji)``.

    Pairs of levels with no exchanges add no degrees of freedom (statsmodels counts every
    pair in ``df``; the usual convention, used here, does not, so an unused level does not
    dilute the test). The statistic equals statsmodels' ``symmetry("bowker")``.
    """
    t = _as_table(table)
    names = tuple(levels) if levels is not None else tuple(str(i) for i in range(len(t)))
    method = "Bowker symmetry (pairs with exchanges only)"
    upper = np.triu_indices(len(t), 1)
    sums = (t + t.T)[upper].astype(float)
    diffs = (t - t.T)[upper].astype(float)
    used = sums > 0
    df = int(used.sum())
    if df == 0:
        return _record(0.0, 1.0, 0, t, method, names)
    stat = float(np.sum(diffs[used] ** 2 / sums[used]))
    return _record(stat, chi2_sf(stat, df), df, t, method, names)
