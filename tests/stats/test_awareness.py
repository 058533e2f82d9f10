"""Eval-awareness: McNemar between framings and the difference-in-differences test."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.testing import assert_allclose

from auditor.stats import awareness_diff_in_diff, framing_gap, mcnemar_pvalues


def test_framing_gap_counts_and_pvalues() -> None:
    evaluation = [False, False, False, True, True, False, None]
    deployment = [True, True, False, True, False, True, True]
    gap = framing_gap(evaluation, deployment)
    assert (gap.b, gap.c, gap.n, gap.n_excluded) == (3, 1, 6, 1)
    assert_allclose(gap.pvalue, mcnemar_pvalues(3, 1).midp_two_sided)
    assert_allclose((gap.evaluation_rate, gap.deployment_rate), (2 / 6, 4 / 6))
    assert_allclose(gap.effect, 2 / 6)


def test_diff_in_diff_against_enumeration() -> None:
    pe = [0, 0, 0, 1, 0, 0, 0, 1]
    pd = [0, 1, 0, 1, 0, 0, 0, 1]
    ce = [0, 0, 0, 1, 0, 1, 0, 1]
    cd = [1, 1, 1, 1, 0, 1, 1, 0]
    result = awareness_diff_in_diff(*[[bool(v) for v in col] for col in (pe, pd, ce, cd)])
    did = (np.array(cd) - np.array(ce)) - (np.array(pd) - np.array(pe))
    assert_allclose(result.effect, did.mean())
    nz = did[did != 0]
    sums = [np.dot(s, nz) for s in itertools.product((-1, 1), repeat=nz.size)]
    assert_allclose(result.pvalue, np.mean([x >= nz.sum() - 1e-12 for x in sums]))
    assert_allclose(result.parent_gap, 1 / 8)
    assert_allclose(result.child_gap, 3 / 8)
    assert result.exact and result.n == 8


def test_missing_framing_drops_the_item() -> None:
    r = awareness_diff_in_diff([True, None], [True, True], [True, True], [True, True])
    assert r.n == 1 and r.n_excluded == 1 and r.pvalue == 1.0
