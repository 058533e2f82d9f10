"""SPDX 3.0.1 (AI profile) documents of real audit reports, read back with the SPDX bindings
(types and cardinality checked on load) and compared with the report itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import spdx_python_model

from auditor.bom import RISK_OF_VERDICT, export_bom

TERMS = "https://spdx.org/rdf/3.0.1/terms/"


def _load(report: Path) -> tuple[Any, Any, dict[str, Any]]:
    text = export_bom(report, "spdx")
    data = json.loads(text)
    assert data["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    model, objects = spdx_python_model.load_data(data)
    assert model.__name__.endswith("v3_0_1")
    return model, objects, json.loads(report.read_text(encoding="utf-8"))


def _packages(objects: Any) -> dict[str, Any]:
    return {p.name: p for p in objects.foreach_type("ai_AIPackage")}


def _relations(objects: Any, kind: str) -> set[tuple[str, str]]:
    return {(r.from_.name, t.name) for r in objects.foreach_type("Relationship")
            if r.relationshipType == f"{TERMS}Core/RelationshipType/{kind}" for t in r.to}


def test_every_model_is_an_ai_package_with_its_hash(tiny_report: Path) -> None:
    _, objects, report = _load(tiny_report)
    packages = _packages(objects)
    recorded = {m["id"]: m for m in report["provenance"]["models"]}
    assert set(packages) == set(recorded)
    for name, package in packages.items():
        (digest,) = package.verifiedUsing
        assert digest.algorithm == f"{TERMS}Core/HashAlgorithm/sha256"
        assert digest.hashValue == recorded[name]["file_sha256"]
        assert package.software_primaryPurpose == f"{TERMS}Software/SoftwarePurpose/model"
    (document,) = objects.foreach_type("SpdxDocument")
    assert {e.name for e in document.rootElement} == set(recorded)
    assert document.creationInfo.specVersion == "3.0.1"
    assert [t.name for t in document.creationInfo.createdUsing] == [
        f"supply-chain-auditor {report['provenance']['tool_version']}"]


def test_relationships_follow_the_lineage_and_the_suites(tiny_report: Path) -> None:
    _, objects, report = _load(tiny_report)
    edges = {(e["parent"], e["child"]) for e in report["lineage"]["edges"]}
    assert _relations(objects, "ancestorOf") == edges
    suites = {s["name"] for s in report["provenance"]["suites"]}
    models = {m["id"] for m in report["provenance"]["models"]}
    assert _relations(objects, "testedOn") == {(m, s) for m in models for s in suites}
    datasets = {d.name: d for d in objects.foreach_type("dataset_DatasetPackage")}
    for suite in report["provenance"]["suites"]:
        assert datasets[suite["name"]].verifiedUsing[0].hashValue == suite["hash"]


def test_metrics_are_the_reports_outcomes(tiny_report: Path) -> None:
    _, objects, report = _load(tiny_report)
    packages = _packages(objects)
    for summary in report["models"]:
        metrics = {e.key: float(e.value) for e in packages[summary["id"]].ai_metric}
        assert metrics["harmful_content_rate"] == summary["unsafe_rate"]
        assert [metrics["harmful_content_rate.ci95_lower"],
                metrics["harmful_content_rate.ci95_upper"]] == summary["unsafe_ci"]
        assert metrics["refusal_rate"] == summary["refusal_rate"]
        assert metrics["over_refusal_rate"] == summary["over_refusal_rate"]
    for derivative in report["derivatives"]:
        metrics = {e.key: float(e.value) for e in packages[derivative["id"]].ai_metric}
        assert metrics["harmful_content_rate_change"] == derivative["difference"]
        assert [metrics["harmful_content_rate_change.ci95_lower"],
                metrics["harmful_content_rate_change.ci95_upper"]] == derivative["ci"]


def test_verdicts_are_risk_assessments_and_review_annotations(scripted_report: Path) -> None:
    _, objects, report = _load(scripted_report)
    packages = _packages(objects)
    assert packages["base"].ai_safetyRiskAssessment is None  # the root has no verdict
    reviews = {a.subject.name: a.statement for a in objects.foreach_type("Annotation")}
    for derivative in report["derivatives"]:
        risk = packages[derivative["id"]].ai_safetyRiskAssessment
        level = RISK_OF_VERDICT[derivative["verdict"]]
        assert risk == f"{TERMS}AI/SafetyRiskAssessmentType/{level}"
        assert reviews[derivative["id"]].startswith(
            f"{derivative['id']} (finetune of base) is degraded relative to its parent base")
    assert set(reviews) == {d["id"] for d in report["derivatives"]}


def test_a_version_1_report_still_exports_with_its_unaudited_parents() -> None:
    v1 = Path(__file__).parents[1] / "reports" / "data" / "report-v1.json"
    _, objects, report = _load(v1)
    packages = _packages(objects)
    assert {m["id"] for m in report["provenance"]["models"]} <= set(packages)
    edges = {(e["parent"], e["child"]) for e in report["lineage"]["edges"]}
    audited = {m["id"] for m in report["provenance"]["models"]}
    assert {(p, c) for p, c in edges if c in audited} <= _relations(objects, "ancestorOf")
