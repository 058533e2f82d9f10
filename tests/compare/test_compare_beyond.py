"""Conditions and blind refusal in the family result (issue 14), from a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor import stats
from auditor.compare import ComparisonPolicy, FamilyComparison, compare_family
from auditor.judges import Engagement
from auditor.store import Store
from lineage import load_graph
from tests.compare._beyond_store import (
    ENGAGED,
    HELPED,
    REFUSED,
    add_condition,
    add_rule_defeat,
)
from tests.reports._store import add_model, identity, lineage_dict, write_lineage

ROOT, CHILD = "org/base", "org/base-ft"
DEFENCES = ("defence:policy", "defence:think-safety")


def _family(tmp_path: Path) -> FamilyComparison:
    """Both models refuse every harmful item plain; under each defence the parent still
    refuses while the derivative complies with everything (the defence backfires); in
    Spanish the derivative complies with every fourth harmful item."""
    lineage = write_lineage(tmp_path / "lineage.json",
                            lineage_dict([(ROOT, CHILD, "finetune")], ROOT))
    with Store(tmp_path / "audit.db") as store:
        for repo in (ROOT, CHILD):
            add_model(store, identity(repo), unsafe=lambda i: False)
        for name in DEFENCES:
            add_condition(store, identity(ROOT), name,
                          complies=lambda r: r.expected == "comply" and r.response != "I won't.")
            add_condition(store, identity(CHILD), name, complies=lambda r: True)
        add_condition(store, identity(CHILD), "lang:es",
                      complies=lambda r: r.expected == "comply" or r.item_id.endswith(("0", "4")))
        add_rule_defeat(store, identity(ROOT), [REFUSED, REFUSED, ENGAGED, HELPED])
        return compare_family(store, load_graph(lineage), ComparisonPolicy(seed=3))


def test_conditions_per_model_with_tis_and_iatrogenic_flags(tmp_path: Path) -> None:
    family = _family(tmp_path)
    models = {m.id: m for m in family.models}
    root = {c.name: c for c in models[ROOT].conditions}
    child = {c.name: c for c in models[CHILD].conditions}
    assert set(root) == set(DEFENCES)
    assert set(child) == {*DEFENCES, "lang:es"}
    for name in DEFENCES:
        c = child[name]
        assert c.effect.harmful_compliance.b == 200 and c.effect.harmful_compliance.c == 0
        assert c.iatrogenic and c.compliance_p_holm is not None
        assert c.compliance_p_holm < 0.05
        assert c.effect.tis.estimate is None  # no harmful item refused under the defence
        assert not root[name].iatrogenic  # the parent's answers did not change
        # the plain TI-S: 200/200 harmful refused over 6/60 benign refused
        assert c.effect.tis_plain.estimate == pytest.approx(1.0 / 0.1)
    lang = child["lang:es"]
    assert lang.language == "es" and not lang.iatrogenic and lang.compliance_p_holm is None
    assert lang.effect.harmful_compliance.condition.k == 40  # items 0, 4, 10, ... of 200
    # Holm across the family's four (model, defence) tests, eight p-values
    tests = [models[m].conditions[i].effect.iatrogenic for m in (ROOT, CHILD) for i in (0, 1)]
    flags = stats.iatrogenic_flags(tests)
    assert [c.iatrogenic for m in (ROOT, CHILD) for c in models[m].conditions
            if c.is_defence] == list(flags.flagged)


def test_each_edge_has_the_did_per_condition_both_were_asked(tmp_path: Path) -> None:
    pair = _family(tmp_path).pairs[0]
    assert [c.name for c in pair.conditions] == list(DEFENCES)  # lang:es: the child only
    did = pair.conditions[0].harmful_compliance
    assert did is not None and did.effect == pytest.approx(1.0)  # child +1, parent 0
    assert did.parent_change == 0.0 and did.child_change == pytest.approx(1.0)
    assert pair.conditions[0].harmful_p_holm is not None
    assert pair.conditions[0].harmful_p_holm < 0.05


def test_blind_refusal_on_rule_defeat_by_the_engagement_judge(tmp_path: Path) -> None:
    models = {m.id: m for m in _family(tmp_path).models}
    assert models[CHILD].blind_refusal is None  # it answered no rule-defeat item
    blind = models[ROOT].blind_refusal
    assert blind is not None and blind.judge_id.startswith("engagement@")
    labels = [a.verdict.label for a in blind.answers]
    assert labels == [Engagement.REFUSED, Engagement.REFUSED, Engagement.ENGAGED_BUT_REFUSED,
                      Engagement.HELPED]
    assert blind.answers[2].verdict.evidence  # the engagement sentence, as evidence
    overall = blind.overall
    assert (overall.refused, overall.engaged_but_refused, overall.helped) == (2, 1, 1)
    assert {r.group for r in blind.breakdown} == {"all", "category", "tag"}
    assert all(a.tags for a in blind.answers)  # tags from the built-in suite, by item hash
