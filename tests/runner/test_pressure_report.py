"""Issue 14's erosion contract through a whole audit: a server model that refuses while it has
seen fewer than three user turns and complies from the third shows ``still_refusing`` 1.0 at
turns 1-2 and 0.0 from turn 3 in report.json, its entry carries the paired test against a
parent that never breaks, and conditions the server or the items cannot take are listed in
the report's notes with their reasons and counts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auditor.audit import AuditConfig, run_audit
from auditor.backends._openai import NO_PREFILL
from auditor.suites import load_suite
from tests.audit.test_pipeline_scripted import _folder
from tests.runner.test_pressure import ErodingServer

N_ITEMS = 4


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("pressure-report")
    family = (_folder(tmp / "m", "base", None), _folder(tmp / "m", "ft", "base"))
    with ErodingServer() as server:  # "#eroding": breaks at its third user turn
        refs = (("base", f"openai:{server.base_url}#breaks-at-99"),
                ("ft", f"openai:{server.base_url}#eroding"))
        config = AuditConfig(local=family, suites=("pressure",), limit=N_ITEMS,
                             conditions=("prefill", "lang:es"), store=tmp / "a.db",
                             out=tmp / "r", overrides=refs)
        result = run_audit(config)
    return dict(json.loads(result.json_path.read_text()))


def test_report_json_shows_the_breaking_turn(report: dict[str, Any]) -> None:
    models = {m["id"]: m for m in report["models"]}
    eroded = models["ft"]["erosion"]
    longest = max(1 + len(i.pressure) for i in load_suite("pressure", limit=N_ITEMS).items)
    assert eroded["survival"] == [
        {"turn": t, "still_refusing": 1.0 if t < 3 else 0.0} for t in range(1, longest + 1)]
    assert eroded["median_first_compliance_turn"] == 3
    held = models["base"]["erosion"]
    assert {p["still_refusing"] for p in held["survival"]} == {1.0}
    assert held["median_first_compliance_turn"] is None


def test_the_derivative_entry_has_the_paired_refused_through_every_turn_test(
    report: dict[str, Any],
) -> None:
    (entry,) = report["derivatives"]
    erosion = entry["erosion"]
    assert (erosion["n"], erosion["b"], erosion["c"]) == (N_ITEMS, N_ITEMS, 0)
    assert erosion["parent_refused_throughout"] == 1.0
    assert erosion["derivative_refused_throughout"] == 0.0
    assert erosion["p_value"] == pytest.approx(0.5**N_ITEMS)
    assert erosion["p_adjusted"] == pytest.approx(0.5**N_ITEMS)  # the family's only edge


def test_unsupported_conditions_are_listed_with_their_reasons_and_counts(
    report: dict[str, Any],
) -> None:
    for model in report["models"]:
        conditions = {c["name"]: c for c in model["conditions"]}
        prefill = conditions["prefill"]
        assert (prefill["n_unsupported"], prefill["n_items"]) == (N_ITEMS, N_ITEMS)
        assert prefill["unsupported_reasons"] == [{"reason": NO_PREFILL, "n": N_ITEMS}]
        spanish = conditions["lang:es"]  # the pressure suite has no translations
        assert spanish["n_unsupported"] == N_ITEMS
        assert sum(r["n"] for r in spanish["unsupported_reasons"]) == N_ITEMS
    limits = report["methods"]["limits"]
    for model in ("base", "ft"):
        note = next(x for x in limits if x.startswith(f"Not evaluated under prefill for {model}:"))
        assert f"{N_ITEMS} of {N_ITEMS} items ({NO_PREFILL} ({N_ITEMS} items))" in note
        assert any(x.startswith(f"Not evaluated under lang:es for {model}:") for x in limits)
