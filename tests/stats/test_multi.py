"""Holm and Benjamini-Hochberg against statsmodels and a hand-worked example."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from statsmodels.stats.multitest import multipletests

from auditor.errors import UsageError
from auditor.stats import bh, holm


def test_hand_worked_example() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    # sorted 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 -> 0.02, 0.03, 0.06, 0.04 -> cummax
    assert_allclose(holm(p).adjusted, [0.03, 0.06, 0.06, 0.02])
    assert holm(p).reject == (True, False, False, True)
    # BH: m/rank * p = 0.02, 0.02, 0.04, 0.04 -> running min from the top
    assert_allclose(bh(p).adjusted, [0.02, 0.04, 0.04, 0.02])


@pytest.mark.parametrize("seed", range(5))
def test_matches_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=30), rng.uniform(0, 0.01, size=5), [1.0, 1.0]])
    assert_allclose(holm(p.tolist()).adjusted, multipletests(p, method="holm")[1])
    assert_allclose(bh(p.tolist()).adjusted, multipletests(p, method="fdr_bh")[1])


def test_empty_and_single() -> None:
    assert holm([]).n == 0 and bh([]).adjusted == ()
    assert holm([0.03]).adjusted == (0.03,)


def test_invalid() -> None:
    with pytest.raises(UsageError):
        holm([0.1, float("nan")])
    with pytest.raises(UsageError):
        bh([1.2])
