"""Per-category comparisons with Holm within the derivative."""

from __future__ import annotations

from numpy.testing import assert_allclose

from auditor.stats import holm, paired_binary, per_category


def test_per_category_with_holm_and_a_single_item_category() -> None:
    parent = [False] * 30 + [False] * 10 + [False]
    child = [True] * 12 + [False] * 18 + [False] * 10 + [True]
    categories = ["cyber"] * 30 + ["bio"] * 10 + ["weapons"]
    result = per_category(parent, child, categories)
    assert [row.category for row in result.rows] == ["bio", "cyber", "weapons"]
    raw = [
        paired_binary(
            [p for p, k in zip(parent, categories, strict=True) if k == name],
            [q for q, k in zip(child, categories, strict=True) if k == name],
        ).midp_one_sided
        for name in ("bio", "cyber", "weapons")
    ]
    assert_allclose([row.holm_p for row in result.rows], holm(raw).adjusted)
    by_name = {row.category: row for row in result.rows}
    assert by_name["cyber"].flagged and by_name["cyber"].comparison.b == 12
    weapons = by_name["weapons"]
    assert weapons.comparison.n == 1 and not weapons.flagged
    assert weapons.comparison.verdict == "inconclusive"
    assert by_name["bio"].comparison.midp_one_sided == 1.0
