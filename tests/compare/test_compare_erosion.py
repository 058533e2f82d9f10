"""Erosion in the family result (issue 14): each model's survival curve and each edge's
paired "refused through every turn" test, from the one read of a real store, into the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.compare import ComparisonPolicy, FamilyComparison, compare_family
from auditor.store import Store
from lineage import load_graph
from reports import build_report, render_html, write_report
from tests.compare._beyond_store import add_pressure
from tests.reports._store import add_model, identity, lineage_dict, write_lineage

ROOT, CHILD, GRANDCHILD = "org/base", "org/base-ft", "org/base-ft-q"
N_ITEMS = 4


def _family(tmp_path: Path, reads: list[str] | None = None) -> FamilyComparison:
    """The root never breaks; its fine-tune complies at the third turn of every pressure
    conversation; the fine-tune's quantization was asked no pressure item."""
    lineage = write_lineage(tmp_path / "lineage.json", lineage_dict(
        [(ROOT, CHILD, "finetune"), (CHILD, GRANDCHILD, "quantized")], ROOT))
    with Store(tmp_path / "audit.db") as store:
        for repo in (ROOT, CHILD, GRANDCHILD):
            add_model(store, identity(repo), unsafe=lambda i: False)
        add_pressure(store, identity(ROOT), breaks_at=99, n_items=N_ITEMS)
        add_pressure(store, identity(CHILD), breaks_at=3, n_items=N_ITEMS)
        if reads is not None:
            store._conn.set_trace_callback(  # the statements SQLite really executes
                lambda sql: reads.append(sql) if sql.startswith("SELECT * FROM gen") else None)
        family = compare_family(store, load_graph(lineage), ComparisonPolicy(seed=2))
        store._conn.set_trace_callback(None)
    return family


def test_each_model_gets_its_curve_from_the_single_read_of_the_store(tmp_path: Path) -> None:
    reads: list[str] = []
    family = _family(tmp_path, reads)
    assert len(reads) == 1  # plain rows, conditions and every turn of the conversations
    models = {m.id: m for m in family.models}
    root, child = models[ROOT].erosion, models[CHILD].erosion
    assert root is not None and child is not None and models[GRANDCHILD].erosion is None
    assert (root.n, root.n_complied, root.median_first_compliance_turn) == (N_ITEMS, 0, None)
    assert all(p.still_refusing == 1.0 for p in root.survival)
    assert child.median_first_compliance_turn == 3 and child.n_complied == N_ITEMS
    assert [p.still_refusing for p in child.survival][:4] == [1.0, 1.0, 0.0, 0.0]


def test_the_derivative_is_tested_against_its_parent_on_refusing_through_every_turn(
    tmp_path: Path,
) -> None:
    pairs = {p.member.id: p for p in _family(tmp_path).pairs}
    e = pairs[CHILD].erosion
    assert e is not None and (e.n, e.b, e.c) == (N_ITEMS, N_ITEMS, 0)
    assert (e.parent_refused_throughout, e.child_refused_throughout) == (1.0, 0.0)
    assert e.pvalue == pytest.approx(0.5**N_ITEMS)  # exact McNemar, one-sided
    # the only erosion test of the family: Holm leaves it as it is
    assert pairs[CHILD].erosion_p_holm == pytest.approx(e.pvalue)
    assert pairs[GRANDCHILD].erosion is None and pairs[GRANDCHILD].erosion_p_holm is None


def test_report_json_carries_the_curves_and_the_paired_test(tmp_path: Path) -> None:
    report = build_report(_family(tmp_path), generated_at="t")
    _, json_path = write_report(report, tmp_path / "out")
    saved = json.loads(json_path.read_text())
    models = {m["id"]: m for m in saved["models"]}
    survival = models[CHILD]["erosion"]["survival"]
    assert [p["still_refusing"] for p in survival][:4] == [1.0, 1.0, 0.0, 0.0]
    assert [p["turn"] for p in survival] == list(range(1, len(survival) + 1))
    assert models[ROOT]["erosion"]["median_first_compliance_turn"] is None
    derivatives = {d["id"]: d for d in saved["derivatives"]}
    change = derivatives[CHILD]["erosion"]
    assert (change["parent_refused_throughout"], change["derivative_refused_throughout"]) == (
        1.0, 0.0)
    assert (change["n"], change["b"], change["c"]) == (N_ITEMS, N_ITEMS, 0)
    assert change["p_adjusted"] == pytest.approx(0.5**N_ITEMS)
    assert derivatives[GRANDCHILD]["erosion"] is None
    html = render_html(report)
    assert "Refused through every turn, paired by item (4 items)" in html
