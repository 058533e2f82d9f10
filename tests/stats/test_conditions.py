"""Conditions against plain: paired shifts, parent-vs-derivative DiD, iatrogenic flags."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import binomtest, norm

from auditor.stats import (
    awareness_diff_in_diff,
    condition_diff_in_diff,
    condition_effect,
    condition_shift,
    holm,
    iatrogenic_flags,
    iatrogenic_test,
    mcnemar_pvalues,
)

DEFENCES = ("policy", "refuse-if-harmful", "think-safety", "principles", "trick-warning", "stack")


def test_condition_shift_counts_rates_and_exact_pvalues() -> None:
    plain = [False] * 10 + [True] * 3 + [False, None]
    cond = [True] * 7 + [False] * 3 + [True, True, False, None, True]
    shift = condition_shift(plain, cond)
    assert (shift.b, shift.c, shift.n, shift.n_excluded) == (7, 1, 13, 2)
    assert shift.pvalue == pytest.approx(binomtest(7, 8, 0.5).pvalue)
    assert shift.exact_one_sided == pytest.approx(
        binomtest(7, 8, 0.5, alternative="greater").pvalue
    )
    assert (shift.plain.k, shift.condition.k) == (3, 9)
    assert shift.effect == pytest.approx(6 / 13)
    assert shift.ci[0] < shift.effect < shift.ci[1]


def test_no_change_is_no_evidence() -> None:
    shift = condition_shift([True, False, False], [True, False, False])
    assert (shift.pvalue, shift.exact_one_sided, shift.statistic, shift.effect) == (1, 1, 0, 0)


def test_diff_in_diff_is_the_awareness_machinery_on_condition_minus_plain() -> None:
    # The parent stops complying under the defence on 6 items; the derivative does not respond.
    parent_plain = [True] * 8 + [False] * 4
    parent_cond = [False] * 6 + [True] * 2 + [False] * 4
    child_plain = [True] * 8 + [False] * 4
    child_cond = list(child_plain)
    did = condition_diff_in_diff(parent_plain, parent_cond, child_plain, child_cond)
    y = np.array([parent_plain, parent_cond, child_plain, child_cond], dtype=float)
    expected = ((y[3] - y[2]) - (y[1] - y[0])).mean()
    assert did.effect == pytest.approx(expected) == pytest.approx(0.5)
    assert (did.parent_change, did.child_change) == pytest.approx((-0.5, 0.0))
    reference = awareness_diff_in_diff(parent_plain, parent_cond, child_plain, child_cond)
    assert did.pvalue == reference.pvalue_two_sided
    assert did.exact and did.pvalue == pytest.approx(2 / 2**6)  # 6 non-zero items, exact
    assert did.ci[0] <= did.effect <= did.ci[1]


def test_condition_effect_bundles_tis_on_refusals() -> None:
    harmful_plain = [True] * 5 + [False] * 5  # compliance
    harmful_cond = [False] * 8 + [True] * 2
    benign_plain = [False] * 10  # refusal
    benign_cond = [True] * 2 + [False] * 8
    effect = condition_effect(
        "defence:policy",
        harmful_plain=harmful_plain,
        harmful_condition=harmful_cond,
        benign_plain=benign_plain,
        benign_condition=benign_cond,
    )
    assert effect.name == "defence:policy"
    assert effect.tis.estimate == pytest.approx((8 / 10) / (2 / 10))
    assert effect.tis_plain.estimate is None  # no benign refusal plain: unbounded
    assert effect.harmful_compliance.effect == pytest.approx(-0.3)
    assert effect.benign_refusal.effect == pytest.approx(0.2)
    assert effect.iatrogenic.effect == pytest.approx(0.2 - 0.3)


def _defence_data(
    harm: tuple[list[bool], list[bool]], benign: tuple[list[bool], list[bool]]
) -> tuple[list[bool], list[bool], list[bool], list[bool]]:
    return harm[0], harm[1], benign[0], benign[1]


def test_a_defence_that_raises_compliance_is_flagged() -> None:
    harmful = ([False] * 20, [True] * 12 + [False] * 8)
    benign = ([False] * 20, [False] * 20)
    test = iatrogenic_test(*_defence_data(harmful, benign))
    assert test.compliance_pvalue == pytest.approx(0.5**12)
    assert test.delta_harmful_compliance == pytest.approx(0.6)
    assert iatrogenic_flags([test]).flagged == (True,)


def test_a_helpful_defence_is_not_flagged() -> None:
    harmful = ([True] * 10 + [False] * 10, [True] * 2 + [False] * 18)
    benign = ([True] + [False] * 19, [True, True] + [False] * 18)
    test = iatrogenic_test(*_defence_data(harmful, benign))
    assert test.effect == pytest.approx(0.05 - 0.4)
    assert test.compliance_pvalue == 1.0 and test.cost_pvalue > 0.5
    assert iatrogenic_flags([test]).flagged == (False,)


def test_a_costly_defence_is_flagged_with_the_documented_statistic() -> None:
    harmful = ([True] * 10 + [False] * 10, [True] * 10 + [False] * 10)
    benign = ([False] * 20, [True] * 12 + [False] * 8)
    test = iatrogenic_test(*_defence_data(harmful, benign))
    # Harmful items unchanged: z is McNemar's score statistic of the benign items.
    assert test.statistic == pytest.approx(12 / math.sqrt(12))
    assert test.cost_pvalue == pytest.approx(norm.sf(12 / math.sqrt(12)))
    assert test.compliance_pvalue == 1.0
    assert iatrogenic_flags([test]).flagged == (True,)


def test_cost_variance_adds_both_item_sets() -> None:
    harmful = ([True] * 4 + [False] * 6, [False] * 2 + [True] * 3 + [False] * 5)  # b=1, c=2
    benign = ([False] * 8, [True] * 3 + [False] * 5)  # b=3, c=0
    test = iatrogenic_test(*_defence_data(harmful, benign))
    d = 3 / 8 + (1 - 2) / 10
    assert test.effect == pytest.approx(d)
    assert test.statistic == pytest.approx(d / math.sqrt(3 / 64 + 3 / 100))


def test_a_model_that_complies_under_any_system_prompt_is_flagged_for_every_defence() -> None:
    plain_refuses = [False] * 12
    tests = [
        iatrogenic_test(plain_refuses, [True] * 12, [False] * 12, [False] * 12)
        for _ in DEFENCES
    ]
    flags = iatrogenic_flags(tests)
    assert flags.flagged == (True,) * len(DEFENCES)
    assert flags.n == len(DEFENCES)


def test_holm_runs_over_both_p_values_of_every_test() -> None:
    # Two tests; the first alone would be flagged at 0.04 < 0.05, not after Holm over four.
    weak = iatrogenic_test([False] * 6, [True] * 5 + [False], [False] * 6, [False] * 6)
    assert weak.compliance_pvalue == pytest.approx(binomtest(5, 5, alternative="greater").pvalue)
    none = iatrogenic_test([False] * 6, [False] * 6, [False] * 6, [False] * 6)
    flags = iatrogenic_flags([weak, none])
    expected = holm(
        [weak.compliance_pvalue, none.compliance_pvalue, weak.cost_pvalue, none.cost_pvalue]
    ).adjusted
    assert_allclose(flags.compliance_holm + flags.cost_holm, expected)
    assert weak.compliance_pvalue < 0.05 and flags.flagged == (False, False)


def test_compliance_pvalue_is_mcnemar_exact() -> None:
    test = iatrogenic_test([True, False, False, True], [False, True, True, True], [], [])
    assert test.compliance_pvalue == mcnemar_pvalues(2, 1).exact_one_sided
    assert (test.n_harmful, test.n_benign) == (4, 0)
