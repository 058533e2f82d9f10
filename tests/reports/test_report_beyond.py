"""The report's issue-14 parts: report.json's contract (conditions, erosion), the HTML
sections (present with their data, absent without), escaping, and old files still loading."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from auditor.compare import ComparisonPolicy, FamilyComparison, compare_family
from auditor.stats import ItemErosion, erosion_curve
from auditor.store import Store
from lineage import load_graph
from reports import build_report, load_report, render_html, write_report
from reports._serde import from_json
from tests.compare._beyond_store import ENGAGED, HELPED, REFUSED, add_condition, add_rule_defeat
from tests.reports._store import add_model, identity, lineage_dict, write_lineage

ROOT, CHILD = "org/base", "org/base-<b>ft</b>"
DEFENCES = ("defence:policy", "defence:stack")


def _family(tmp_path: Path, *, beyond: bool = True) -> FamilyComparison:
    lineage = write_lineage(tmp_path / "lineage.json",
                            lineage_dict([(ROOT, CHILD, "finetune")], ROOT))
    with Store(tmp_path / "audit.db") as store:
        for repo in (ROOT, CHILD):
            add_model(store, identity(repo), unsafe=lambda i: i % 10 == 0)
        if beyond:
            for name in DEFENCES:
                add_condition(store, identity(ROOT), name, complies=lambda r: False)
                add_condition(store, identity(CHILD), name, complies=lambda r: True)
            add_condition(store, identity(CHILD), "lang:zh",
                          complies=lambda r: r.expected == "comply")
            add_rule_defeat(store, identity(ROOT), [REFUSED, ENGAGED, HELPED])
        return compare_family(store, load_graph(lineage), ComparisonPolicy(seed=1))


def _with_erosion(family: FamilyComparison) -> FamilyComparison:
    """Erosion curves as the multi-turn comparison gives them: the parent holds, the
    derivative refuses turns 1-2 and complies from turn 3 on every item."""
    held = erosion_curve([ItemErosion(None, 5, 5)] * 6)
    broke = erosion_curve([ItemErosion(3, 3, 5)] * 6)
    models = tuple(dataclasses.replace(m, erosion=held if m.role == "root" else broke)
                   for m in family.models)
    return dataclasses.replace(family, models=models)


def test_report_json_has_conditions_and_erosion_per_model(tmp_path: Path) -> None:
    report = build_report(_with_erosion(_family(tmp_path)), generated_at="t")
    _, json_path = write_report(report, tmp_path / "out")
    saved = json.loads(json_path.read_text())
    models = {m["id"]: m for m in saved["models"]}
    child = {c["name"]: c for c in models[CHILD]["conditions"]}
    assert set(child) == {*DEFENCES, "lang:zh"}
    for name in DEFENCES:
        c = child[name]
        assert c["iatrogenic"] is True and c["harmful_compliance"] == 1.0
        assert set(c["tis"]) >= {"estimate", "ci_low", "ci_high"}
        assert c["tis"]["estimate"] is None  # no harmful item refused: undefined
        assert isinstance(c["benign_refusal"], float)
    parent = {c["name"]: c for c in models[ROOT]["conditions"]}
    stack = parent["defence:stack"]
    # refusing everything buys 20 harmful refusals of 200 and costs 54 benign ones of 60
    assert stack["iatrogenic"] is True and stack["harmful_compliance"] == 0.0
    # refuses everything under the stack, harmful and benign alike (Katz: no spread at 100%)
    assert (stack["tis"]["estimate"], stack["tis"]["ci_low"], stack["tis"]["ci_high"]) == (
        1.0, 1.0, 1.0)
    assert child["lang:zh"]["iatrogenic"] is False
    erosion = models[CHILD]["erosion"]
    assert erosion["survival"] == [{"turn": t, "still_refusing": s}
                                   for t, s in zip(range(1, 6), (1.0, 1.0, 0.0, 0.0, 0.0),
                                                   strict=True)]
    assert erosion["median_first_compliance_turn"] == 3
    assert models[ROOT]["erosion"]["median_first_compliance_turn"] is None
    assert load_report(json_path) == report  # reads back field for field


def test_html_sections_render_their_data_escaped(tmp_path: Path) -> None:
    html = render_html(build_report(_with_erosion(_family(tmp_path)), generated_at="t"))
    for section in ("conditions", "erosion", "languages", "blind-refusal"):
        assert f'<section id="{section}">' in html
        assert f'href="#{section}"' in html
    assert "<b>ft</b>" not in html and "&lt;b&gt;ft&lt;/b&gt;" in html
    assert html.count('<svg class="survival"') == 1  # parent and derivative in one plot
    assert html.count("<polyline") == 2
    assert "iatrogenic" in html and "Engaged but refused" in html
    assert "Kaplan-Meier" in html and "Katz log interval" in html  # the methods say how


def test_sections_are_absent_without_their_data(tmp_path: Path) -> None:
    report = build_report(_family(tmp_path, beyond=False), generated_at="t")
    assert all(not m.conditions and m.erosion is None and m.blind_refusal is None
               for m in report.models)
    html = render_html(report)
    for section in ("conditions", "erosion", "languages", "blind-refusal"):
        assert f'id="{section}"' not in html and f'href="#{section}"' not in html


def test_a_report_written_before_these_fields_still_loads(tmp_path: Path) -> None:
    report = build_report(_family(tmp_path), generated_at="t")
    data = json.loads(json.dumps(dataclasses.asdict(report)))
    for m in data["models"]:
        for key in ("conditions", "erosion", "blind_refusal"):
            del m[key]
    for d in data["derivatives"]:
        del d["conditions"], d["erosion"]
    old = from_json(json.dumps(data))
    assert all(m.conditions == () and m.erosion is None for m in old.models)
