"""Wilson intervals against Newcombe (1998, Stat Med 17:857) worked examples."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from auditor.errors import UsageError
from auditor.stats import wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_newcombe_1998_single_proportion_examples(
    k: int, n: int, expected: tuple[float, float]
) -> None:
    result = wilson_interval(k, n)
    assert_allclose(result.ci, expected, atol=5e-5)
    assert_allclose(result.rate, k / n)


def test_all_successes_and_empty() -> None:
    assert wilson_interval(20, 20).ci[1] == 1.0
    empty = wilson_interval(0, 0)
    assert empty.ci == (0.0, 1.0) and empty.n == 0


def test_bad_counts() -> None:
    with pytest.raises(UsageError):
        wilson_interval(5, 3)
    with pytest.raises(UsageError):
        wilson_interval(1, 3, alpha=1.5)
