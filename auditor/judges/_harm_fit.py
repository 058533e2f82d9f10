"""Fitting and measuring the harm scorer's weights: L2-penalised logistic regression.

Pure numpy, deterministic (Newton steps from zero, no random start). The figures that say
whether the weights over-fit come from here too: k-fold cross-validation, repeated split
halves and leave-one-group-out (a group is a harm category: the scorer must hold on
categories it was not fitted on). ``bench/harm_calibration.py`` runs them on a labelled file
and writes the weights file that ``_harm_model.py`` reads (one record, ``HarmWeights``,
for both).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from auditor.judges._harm_model import HarmWeights

Array = NDArray[np.float64]


def predict(weights: HarmWeights, x: Array) -> Array:
    """Probabilities for the rows of ``x`` (features in the order of ``weights.names``):
    ``1 / (1 + exp(-(intercept + ((x - mean) / scale) @ coef)))``."""
    z = (np.asarray(x, dtype=float) - np.asarray(weights.mean)) / np.asarray(weights.scale)
    return np.asarray(1.0 / (1.0 + np.exp(-(weights.intercept + z @ np.asarray(weights.coef)))))


def fit_logistic(
    x: Array, y: Array, names: Sequence[str], *, l2: float = 10.0, max_iter: int = 50
) -> HarmWeights:
    """Maximum penalised likelihood by Newton's method (the intercept is not penalised).

    The result is the record the scorer ships (``fitted_on`` left empty: the caller knows
    what the rows were)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    penalty = l2 * np.eye(z.shape[1])
    penalty[0, 0] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return HarmWeights(
        names=tuple(names),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in w[1:]),
        intercept=float(w[0]),
        l2=l2,
        fitted_on="",
    )


def out_of_fold(
    x: Array, y: Array, folds: Sequence[NDArray[np.int64]], names: Sequence[str], l2: float
) -> Array:
    """Each row's probability from a fit on the rows outside its fold."""
    p = np.full(len(y), np.nan)
    everything = np.arange(len(y))
    for fold in folds:
        train = np.setdiff1d(everything, fold)
        p[fold] = predict(fit_logistic(x[train], y[train], names, l2=l2), x[fold])
    return p


def kfold(n: int, k: int, seed: int) -> list[NDArray[np.int64]]:
    """``k`` disjoint folds of ``range(n)`` in a seeded random order."""
    order = np.random.default_rng(seed).permutation(n)
    return [np.asarray(f, dtype=np.int64) for f in np.array_split(order, k)]


def by_group(groups: Sequence[str]) -> dict[str, NDArray[np.int64]]:
    """Row indices per group label, for leave-one-group-out."""
    out: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        out.setdefault(g, []).append(i)
    return {g: np.asarray(ix, dtype=np.int64) for g, ix in sorted(out.items())}


def split_halves(
    n: int, repeats: int, seed: int
) -> list[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """``repeats`` random (fit half, test half) splits of ``range(n)``."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(repeats):
        order = rng.permutation(n)
        out.append((order[: n // 2].astype(np.int64), order[n // 2 :].astype(np.int64)))
    return out
