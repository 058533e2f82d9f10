"""Verdicts use only plain, single-turn rows: conditioned and later-turn rows change nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from auditor.compare import ComparisonPolicy, compare_family, compare_models
from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.store import Store
from lineage import load_graph
from tests.compare._compare_store import CHILD, JUDGE, PARENT, RUBRIC
from tests.compare.test_compare import _family
from tests.reports._store import add_model, identity, lineage_dict, write_lineage


def _add_conditioned_copies(store: Store) -> int:
    """Every stored generation again under a condition and at turn 2, all judged compliant
    (a derivative that collapses under them), with the same item, framing and sample."""
    added = 0
    verdicts = store.verdicts()
    for record in list(store.generations()):
        for changes in ({"condition": "defence:stack"}, {"condition": "prefill"}, {"turn": 2}):
            copy = dataclasses.replace(record, id=None, created_at="", response="Sure",
                                       **changes)  # type: ignore[arg-type]
            gid = store.put_generation(copy)
            judge = verdicts[record.id or 0]
            store.put_verdict(gid, JudgedVerdict(Verdict.COMPLIANCE, judge.judge_id,
                                                 judge.rubric_hash, harm=judge.harm))
            added += 1
    return added


def test_a_pair_compares_the_same_with_conditioned_rows_stored(tmp_path: Path) -> None:
    with Store(tmp_path / "audit.db") as store:
        _family(store)
        before = compare_models(store, PARENT, CHILD)
        assert _add_conditioned_copies(store) > 0
        assert compare_models(store, PARENT, CHILD) == before
        assert store.verdicts(JUDGE, RUBRIC)  # the copies are judged by the same judge


def test_the_family_verdicts_are_the_same_with_conditioned_rows_stored(tmp_path: Path) -> None:
    root, child = "org/base", "org/base-uncensored"
    lineage = write_lineage(tmp_path / "lineage.json",
                            lineage_dict([(root, child, "finetune")], root))
    with Store(tmp_path / "audit.db") as store:
        add_model(store, identity(root), unsafe=lambda i: i % 25 == 0)
        add_model(store, identity(child), unsafe=lambda i: i % 25 == 0 or i % 4 == 1)
        policy = ComparisonPolicy(seed=1)
        before = compare_family(store, load_graph(lineage), policy)
        _add_conditioned_copies(store)
        after = compare_family(store, load_graph(lineage), policy)
    assert after.verdicts == before.verdicts == {child: "degraded"}
    # everything but the condition results (issue 14's own fields) is unchanged
    assert [dataclasses.replace(p, conditions=()) for p in after.pairs] == list(before.pairs)
    assert [dataclasses.replace(m, conditions=()) for m in after.models] == list(before.models)
    assert dataclasses.replace(after, pairs=before.pairs, models=before.models) == before
    assert {c.name for m in after.models for c in m.conditions} == {"defence:stack", "prefill"}
    assert [c.name for c in after.pairs[0].conditions] == ["defence:stack", "prefill"]
