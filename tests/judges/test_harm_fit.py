"""The harm scorer's fitting: penalised logistic regression against statsmodels' Logit."""

from __future__ import annotations

import numpy as np
import pytest

from auditor.judges._harm_fit import (
    by_group,
    fit_logistic,
    kfold,
    out_of_fold,
    predict,
    split_halves,
)


def _data(n: int = 400, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)) * np.array([1.0, 2.0, 0.5]) + np.array([0.0, 1.0, -1.0])
    logit = 0.3 + x @ np.array([1.2, -0.7, 2.0])
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return x, y


def test_unpenalised_fit_matches_statsmodels() -> None:
    import statsmodels.api as sm

    x, y = _data()
    fit = fit_logistic(x, y, ["a", "b", "c"], l2=0.0)
    reference = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    np.testing.assert_allclose(predict(fit, x), reference.predict(sm.add_constant(x)),
                               rtol=1e-7, atol=1e-9)
    # On the standardised scale, each weight is the raw coefficient times the feature's sd.
    np.testing.assert_allclose(np.array(fit.coef) / np.array(fit.scale), reference.params[1:],
                               rtol=1e-6)


def test_penalty_shrinks_towards_zero() -> None:
    x, y = _data()
    loose, tight = (fit_logistic(x, y, ["a", "b", "c"], l2=l2) for l2 in (0.0, 1000.0))
    assert np.abs(tight.coef).sum() < 0.5 * np.abs(loose.coef).sum()
    assert fit_logistic(x, y, ["a", "b", "c"], l2=10.0) == fit_logistic(
        x, y, ["a", "b", "c"], l2=10.0
    )  # deterministic


def test_constant_feature_is_harmless() -> None:
    x, y = _data()
    x[:, 2] = 1.0
    fit = fit_logistic(x, y, ["a", "b", "c"], l2=1.0)
    assert fit.coef[2] == pytest.approx(0.0, abs=1e-9) and fit.scale[2] == 1.0


def test_out_of_fold_never_sees_its_own_rows() -> None:
    x, y = _data(120)
    folds = kfold(len(y), 5, seed=0)
    assert sorted(np.concatenate(folds).tolist()) == list(range(120))
    p = out_of_fold(x, y, folds, ["a", "b", "c"], 1.0)
    first = fit_logistic(np.delete(x, folds[0], 0), np.delete(y, folds[0]), ["a", "b", "c"],
                         l2=1.0)
    np.testing.assert_allclose(p[folds[0]], predict(first, x[folds[0]]))


def test_groups_and_halves() -> None:
    groups = by_group(["b", "a", "b", "c"])
    assert list(groups) == ["a", "b", "c"] and groups["b"].tolist() == [0, 2]
    for fit_half, test_half in split_halves(11, 3, seed=1):
        assert len(fit_half) == 5 and len(test_half) == 6
        assert not set(fit_half.tolist()) & set(test_half.tolist())
