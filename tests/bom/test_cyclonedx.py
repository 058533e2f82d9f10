"""CycloneDX 1.6 ML-BOMs of real audit reports, checked against the official schema and
against the report itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from auditor.bom import export_bom


def _bom(report: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    text = export_bom(report, "cyclonedx")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    return json.loads(text), json.loads(report.read_text(encoding="utf-8"))


def _models(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in bom["components"] if c["type"] == "machine-learning-model"}


def test_every_model_is_a_component_with_its_hash_and_lineage(tiny_report: Path) -> None:
    bom, report = _bom(tiny_report)
    assert bom["specVersion"] == "1.6" and bom["bomFormat"] == "CycloneDX"
    tool = bom["metadata"]["tools"]["components"][0]
    assert tool["name"] == "supply-chain-auditor"
    assert tool["version"] == report["provenance"]["tool_version"]
    components = _models(bom)
    recorded = {m["id"]: m for m in report["provenance"]["models"]}
    assert set(components) == set(recorded) == {"tiny-base", "tiny-base-GGUF", "tiny-base-lora"}
    for name, component in components.items():
        assert component["hashes"] == [{"alg": "SHA-256",
                                        "content": recorded[name]["file_sha256"]}]
    for name, component in components.items():
        parents = {e["parent"] for e in report["lineage"]["edges"] if e["child"] == name}
        ancestors = component.get("pedigree", {}).get("ancestors", [])
        assert {a["name"] for a in ancestors} == parents
        for ancestor in ancestors:  # an audited parent carries its own hash
            assert ancestor["hashes"][0]["content"] == recorded[ancestor["name"]]["file_sha256"]
    assert {e["parent"] for e in report["lineage"]["edges"]} == {"tiny-base"}


def test_metrics_are_the_reports_outcomes_with_their_intervals(tiny_report: Path) -> None:
    bom, report = _bom(tiny_report)
    components = _models(bom)
    for summary in report["models"]:
        metrics = {m["type"]: m for m in components[summary["id"]]["modelCard"]
                   ["quantitativeAnalysis"]["performanceMetrics"]}
        for name, rate, ci in (("harmful_content_rate", "unsafe_rate", "unsafe_ci"),
                               ("refusal_rate", "refusal_rate", "refusal_ci"),
                               ("over_refusal_rate", "over_refusal_rate", "over_refusal_ci")):
            metric = metrics[name]
            assert float(metric["value"]) == summary[rate]
            interval = metric["confidenceInterval"]
            assert [float(interval["lowerBound"]), float(interval["upperBound"])] == summary[ci]
    for derivative in report["derivatives"]:
        metrics = {m["type"]: m for m in components[derivative["id"]]["modelCard"]
                   ["quantitativeAnalysis"]["performanceMetrics"]}
        change = metrics["harmful_content_rate_change"]
        assert float(change["value"]) == derivative["difference"]
        bounds = change["confidenceInterval"]
        assert [float(bounds["lowerBound"]), float(bounds["upperBound"])] == derivative["ci"]
        refusal = derivative["outcomes"]["refusal"]
        assert float(metrics["refusal_rate_change"]["value"]) == refusal["difference"]


def test_verdicts_are_claims_on_the_models_with_evidence(scripted_report: Path) -> None:
    bom, report = _bom(scripted_report)
    refs = {c["name"]: c["bom-ref"] for c in _models(bom).values()}
    declarations = bom["declarations"]
    evidence = {e["bom-ref"]: e for e in declarations["evidence"]}
    claims = {c["target"]: c for c in declarations["claims"]}
    assert set(claims) == {refs[d["id"]] for d in report["derivatives"]}
    derivative = report["derivatives"][0]
    assert derivative["id"] == "ft-unsafe" and derivative["verdict"] == "degraded"
    claim = claims[refs["ft-unsafe"]]
    assert "ft-unsafe (finetune of base) is degraded relative to its parent base" in \
        claim["predicate"]
    assert set(claim["evidence"]) <= set(evidence)
    data = {d["name"]: d["contents"]["attachment"]["content"]
            for ref in claim["evidence"] for d in evidence[ref]["data"]}
    assert data["verdict"] == "degraded" and data["n"] == str(derivative["n"])
    assert float(data["p_adjusted"]) == derivative["p_adjusted"]
    assert data["judge"].startswith(report["methods"]["judge_id"])
    # served models have no local weights: no hash is claimed for them
    assert all("hashes" not in c for c in _models(bom).values())


def test_the_same_report_gives_the_same_bytes(tiny_report: Path) -> None:
    assert export_bom(tiny_report, "cyclonedx") == export_bom(tiny_report, "cyclonedx")


def test_an_unaudited_parent_is_an_ancestor_without_a_hash(tiny_report: Path,
                                                           tmp_path: Path) -> None:
    report = json.loads(tiny_report.read_text(encoding="utf-8"))
    report["lineage"]["nodes"].append({"id": "upstream/base", "role": "ancestor", "status": "ok",
                                       "depth": -1, "state": "context"})
    report["lineage"]["edges"].append({"parent": "upstream/base", "child": "tiny-base",
                                       "relation": "finetune"})
    edited = tmp_path / "report.json"
    edited.write_text(json.dumps(report), encoding="utf-8")
    bom, _ = _bom(edited)
    (ancestor,) = _models(bom)["tiny-base"]["pedigree"]["ancestors"]
    assert ancestor["name"] == "upstream/base" and "hashes" not in ancestor
    assert {"name": "auditor:relation", "value": "finetune"} in ancestor["properties"]


def test_a_version_1_report_still_exports() -> None:
    v1 = Path(__file__).parents[1] / "reports" / "data" / "report-v1.json"
    bom, report = _bom(v1)
    assert set(_models(bom)) >= {d["id"] for d in report["derivatives"]}


@pytest.mark.parametrize("fmt", ["xml", "CycloneDX"])
def test_an_unknown_format_is_a_usage_error(tiny_report: Path, fmt: str) -> None:
    from auditor.errors import UsageError

    with pytest.raises(UsageError, match="unknown BOM format"):
        export_bom(tiny_report, fmt)
