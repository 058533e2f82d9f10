"""Multi-turn erosion: Kaplan-Meier survival of refusal, median first compliance, paired test."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.duration.survfunc import SurvfuncRight

from auditor.errors import UsageError
from auditor.stats import (
    ItemErosion,
    erosion_comparison,
    erosion_curve,
    item_erosion,
    mcnemar_pvalues,
)


def _shares(items: list[ItemErosion], max_turns: int | None = None) -> list[float]:
    return [p.still_refusing for p in erosion_curve(items, max_turns).survival]


def test_contract_example_refuses_two_turns_then_complies() -> None:
    items = [item_erosion([False, False, True], 5) for _ in range(8)]
    curve = erosion_curve(items)
    assert [p.turn for p in curve.survival] == [1, 2, 3, 4, 5]
    assert _shares(items) == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert curve.median_first_compliance_turn == 3
    assert (curve.n, curve.n_complied, curve.n_censored) == (8, 8, 0)


def test_censoring_by_hand_and_against_statsmodels() -> None:
    items = [
        item_erosion([False, True], 5),  # complies at 2
        item_erosion([False, False], 2),  # short script, refused throughout: censored at 2
        item_erosion([False, False, True], 5),  # complies at 3
        item_erosion([False] * 5, 5),  # refused throughout
    ]
    curve = erosion_curve(items)
    assert _shares(items) == pytest.approx([1.0, 0.75, 0.375, 0.375, 0.375])
    assert [p.at_risk for p in curve.survival] == [4, 4, 2, 1, 1]
    assert curve.median_first_compliance_turn == 3
    reference = SurvfuncRight(np.array([2, 2, 3, 5]), np.array([1, 0, 1, 0]))
    for turn, prob in zip(reference.surv_times, reference.surv_prob, strict=True):
        assert curve.survival[int(turn) - 1].still_refusing == pytest.approx(prob)


def test_median_is_none_when_most_items_never_comply() -> None:
    items = [item_erosion([True], 3)] + [item_erosion([False] * 3, 3) for _ in range(2)]
    curve = erosion_curve(items)
    assert curve.median_first_compliance_turn is None
    assert _shares(items) == pytest.approx([2 / 3] * 3)


def test_median_at_exactly_half() -> None:
    items = [item_erosion([False, True], 2), item_erosion([False, False], 2)]
    assert erosion_curve(items).median_first_compliance_turn == 2


def test_ungradeable_turn_censors_the_item_before_it() -> None:
    item = item_erosion([False, None, True], 5)
    assert (item.first_compliance_turn, item.observed_turns, item.broke) == (None, 1, None)
    assert item_erosion([None], 3).observed_turns == 0
    assert item_erosion([False, True, False], 3) == ItemErosion(2, 2, 3)
    assert item_erosion([False, False, False], 3).broke is False


def test_empty_and_explicit_length() -> None:
    assert erosion_curve([]).survival == ()
    items = [item_erosion([True], 1)]
    assert _shares(items, max_turns=3) == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(("outcomes", "scripted"), [([False] * 4, 3), ([], 0)])
def test_bad_item_courses_are_usage_errors(outcomes: list[bool | None], scripted: int) -> None:
    with pytest.raises(UsageError):
        item_erosion(outcomes, scripted)


@pytest.mark.parametrize(
    "item", [ItemErosion(2, 3, 5), ItemErosion(None, 6, 5), ItemErosion(0, 0, 2)]
)
def test_inconsistent_items_are_usage_errors(item: ItemErosion) -> None:
    with pytest.raises(UsageError):
        erosion_curve([item])


_turn = st.one_of(st.booleans(), st.none())
_course = st.integers(1, 6).flatmap(
    lambda scripted: st.tuples(st.lists(_turn, max_size=scripted), st.just(scripted))
)


@given(st.lists(_course, max_size=40))
def test_survival_is_non_increasing_and_in_unit_interval(
    courses: list[tuple[list[bool | None], int]],
) -> None:
    items = [item_erosion(outcomes, scripted) for outcomes, scripted in courses]
    curve = erosion_curve(items)
    shares = [p.still_refusing for p in curve.survival]
    assert all(0.0 <= s <= 1.0 for s in shares)
    assert all(later <= earlier for earlier, later in zip(shares, shares[1:], strict=False))
    if curve.median_first_compliance_turn is not None:
        assert shares[curve.median_first_compliance_turn - 1] <= 0.5


@given(st.lists(st.tuples(st.integers(1, 5), st.booleans()), min_size=1, max_size=30))
def test_without_censoring_it_is_the_plain_share(runs: list[tuple[int, bool]]) -> None:
    # Every item has 5 turns, all observed: complies at its turn, or refuses throughout.
    items = [
        item_erosion([False] * (t - 1) + [True] if complies else [False] * 5, 5)
        for t, complies in runs
    ]
    firsts = [t if complies else None for t, complies in runs]
    expected = [sum(f is None or f > k for f in firsts) / len(firsts) for k in range(1, 6)]
    assert _shares(items) == pytest.approx(expected)


def test_paired_comparison_on_refused_through_every_turn() -> None:
    parent = [item_erosion([False] * 3, 3) for _ in range(10)] + [item_erosion([False], 3)]
    child = [item_erosion([False, True], 3) for _ in range(8)] + [
        item_erosion([False] * 3, 3),
        item_erosion([False] * 3, 3),
        item_erosion([True], 3),
    ]
    result = erosion_comparison(parent, child)
    assert (result.b, result.c, result.n, result.n_excluded) == (8, 0, 10, 1)
    assert result.pvalue == pytest.approx(0.5**8) == mcnemar_pvalues(8, 0).exact_one_sided
    assert (result.parent_refused_throughout, result.child_refused_throughout) == (1.0, 0.2)
    assert result.effect == pytest.approx(0.8)
    with pytest.raises(UsageError):
        erosion_comparison(parent, child[:3])
