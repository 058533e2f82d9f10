"""GEE with items as clusters: the estimate and its robust SE against closed forms.

With only the model indicator (a saturated marginal model) and the same number of samples
per item, the GEE estimate is the difference of the pooled sample logits and its sandwich
SE is the delta-method SE built from the cluster-robust variances of the two pooled means;
both are computed here from the per-item rates directly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from auditor.errors import UsageError
from auditor.stats import gee_comparison


def _data(seed: int, n: int = 60, k: int = 4) -> tuple[list[list[bool]], list[list[bool]]]:
    rng = np.random.default_rng(seed)
    item_effect = rng.normal(0, 1, size=n)  # items differ: samples within an item correlate
    p_parent = 1 / (1 + np.exp(-(-1.5 + item_effect)))
    p_child = 1 / (1 + np.exp(-(-0.9 + item_effect)))
    parent = [[bool(x) for x in rng.random(k) < p] for p in p_parent]
    child = [[bool(x) for x in rng.random(k) < p] for p in p_child]
    return parent, child


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_saturated_model_closed_form(seed: int) -> None:
    parent, child = _data(seed)
    result = gee_comparison(parent, child)
    p, c = np.mean(parent, axis=1), np.mean(child, axis=1)
    pb, cb = p.mean(), c.mean()
    logit = lambda x: math.log(x / (1 - x))  # noqa: E731
    assert_allclose(result.effect, logit(cb) - logit(pb), rtol=1e-6)
    g1, g0, n = 1 / (cb * (1 - cb)), 1 / (pb * (1 - pb)), len(p)
    var = (
        g1**2 * np.sum((c - cb) ** 2)
        + g0**2 * np.sum((p - pb) ** 2)
        - 2 * g1 * g0 * np.sum((c - cb) * (p - pb))
    ) / n**2
    assert_allclose(result.effect / result.statistic, math.sqrt(var), rtol=1e-5)
    assert result.n == 60 and result.n_observations == 480 and result.estimable


def test_category_covariates() -> None:
    parent, child = _data(4)
    cats = ["cyber" if i % 3 else "bio" for i in range(len(parent))]
    result = gee_comparison(parent, child, cats)
    assert result.covariates == ("cyber",)
    assert result.estimable and math.isfinite(result.effect)
    assert result.ci[0] < result.effect < result.ci[1]


def test_not_estimable_without_variation() -> None:
    never = [[False, False]] * 5
    result = gee_comparison(never, [[True, False]] * 5)
    assert not result.estimable and result.pvalue == 1.0


def test_misaligned() -> None:
    with pytest.raises(UsageError):
        gee_comparison([[True]], [[True]], ["a", "b"])
