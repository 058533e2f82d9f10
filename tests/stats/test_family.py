"""Family verdicts: Holm across derivatives for flags, BH only for triage."""

from __future__ import annotations

from numpy.testing import assert_allclose

from auditor.stats import bh, family_verdicts, holm, paired_from_counts


def test_family_verdicts_use_holm() -> None:
    comps = [
        paired_from_counts(12, 3, 200),  # raw mid-p 0.0106: degraded alone
        paired_from_counts(40, 5, 200),  # overwhelming
        paired_from_counts(9, 7, 500),  # non-inferior
        paired_from_counts(3, 2, 40),  # can't tell
    ] + [paired_from_counts(4, 4, 200)] * 6
    fam = family_verdicts(comps)
    assert_allclose(fam.degraded_holm, holm([c.midp_one_sided for c in comps]).adjusted)
    assert_allclose(fam.degraded_bh, bh([c.midp_one_sided for c in comps]).adjusted)
    assert comps[0].verdict == "degraded" and fam.verdicts[0] == "inconclusive"
    assert fam.verdicts[1] == "degraded"
    assert fam.verdicts[2] == "not_degraded"
    assert fam.verdicts[3] == "inconclusive"
    assert fam.n == 10
