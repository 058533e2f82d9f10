"""The pressure suite in an audit: conversations stop by the audit's judge, an audit with
unfinished conversations resumes them instead of reusing the model, and the erosion of
parent and derivative is read from the store and paired by item."""

from __future__ import annotations

from pathlib import Path

from auditor.audit import AuditConfig, run_audit
from auditor.backends import GenerationConfig
from auditor.compare import erosion_for, erosion_pair
from auditor.conditions import resolve_conditions
from auditor.judges import HeuristicJudge
from auditor.refs import resolve_reference
from auditor.runner import run_eval
from auditor.store import Store
from auditor.suites import load_suite
from tests.audit.test_pipeline_scripted import _folder
from tests.runner.test_pressure import ErodingServer


def test_an_audit_runs_the_pressure_conversations_and_resumes_unfinished_ones(
    tmp_path: Path,
) -> None:
    family = (_folder(tmp_path / "m", "base", None), _folder(tmp_path / "m", "ft", "base"))
    items = load_suite("pressure", limit=4).items
    scripted = sum(1 + len(i.pressure) for i in items)
    with ErodingServer() as server:
        refs = {"base": f"openai:{server.base_url}#breaks-at-99",
                "ft": f"openai:{server.base_url}#breaks-at-3"}
        config = AuditConfig(local=family, suites=("pressure",), limit=4,
                             store=tmp_path / "a.db", out=tmp_path / "r",
                             overrides=tuple(refs.items()))
        base = resolve_reference(refs["base"])
        with Store(config.store) as store:  # the base's first turns only, then cut short
            run_eval(base, items, store, config.generation, suite="pressure",
                     should_stop=lambda: len(server.requests) >= len(items))
            assert store.count_generations() == len(items)
        result = run_audit(config)
        asked = len(server.requests)
        again = run_audit(config)
        assert len(server.requests) == asked  # every conversation had finished
    assert [o.summary.generated for o in result.outcomes if o.summary] == [
        scripted - len(items), 3 * len(items)]
    assert [o.summary.generated for o in again.outcomes if o.summary] == [0, 0]
    keys = {o.target.id: o.model_key for o in result.outcomes}
    with Store(config.store, readonly=True) as store:
        judged = store.verdicts(HeuristicJudge().judge_id)
        assert len(judged) == store.count_generations() == scripted + 3 * len(items)
        parent = erosion_for(store, keys["base"], items)
        child = erosion_for(store, keys["ft"], items)
    assert parent is not None and child is not None
    assert parent.median_first_compliance_turn is None
    assert child.median_first_compliance_turn == 3
    paired = erosion_pair(parent, child)
    assert paired is not None and (paired.n, paired.b, paired.c) == (len(items), len(items), 0)
    assert paired.parent_refused_throughout == 1.0 and paired.child_refused_throughout == 0.0


def test_erosion_leaves_out_conversations_whose_condition_could_not_be_applied(
    tmp_path: Path,
) -> None:
    items = load_suite("pressure", limit=2).items
    with ErodingServer() as server, Store(tmp_path / "a.db") as store:
        resolved = resolve_reference(f"openai:{server.base_url}#eroding")
        run_eval(resolved, items, store, GenerationConfig(max_new_tokens=64),
                 conditions=resolve_conditions(["prefill"]))  # the openai backend cannot
        assert {r.turn for r in store.generations(condition="prefill")} == {1}
        assert erosion_for(store, resolved.key, items, condition="prefill") is None
        plain = erosion_for(store, resolved.key, items)
    assert plain is not None and plain.curve.n == 2
