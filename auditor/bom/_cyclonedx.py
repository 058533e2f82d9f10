"""The audit as a CycloneDX 1.6 ML-BOM, validated against the official 1.6 JSON schema.

cyclonedx-python-lib builds what its model covers (components, hashes, pedigree, tools,
properties) and serialises it; it has no model card and no declarations, so those two are
added to its JSON as plain objects. The whole document is then checked with the library's
strict validator, which carries the official ``bom-1.6`` schema: a BOM that would not validate
is our bug and is never written.

Determinism: the serial number is a UUID derived from the report's sha256 and the timestamp
is the report's, so one report always gives the same bytes.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from auditor.bom._facts import AuditedModel, AuditFacts, Metric
from auditor.errors import ReportError, UsageError

TOOL_NAME = "supply-chain-auditor"
_EXTRA = "pip install 'supply-chain-auditor[filing]'"


def serial_uuid(facts: AuditFacts) -> uuid.UUID:
    """One UUID per report file: the same report always names the same BOM."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sha256:{facts.report_sha256}")


def model_ref(index: int) -> str:
    """The bom-ref of the ``index``-th audited model (ids are untrusted text: not used as refs)."""
    return f"model-{index + 1}"


def to_cyclonedx(facts: AuditFacts) -> str:
    """The CycloneDX 1.6 JSON text of ``facts``, schema-valid (else :class:`ReportError`)."""
    try:
        from cyclonedx.output.json import JsonV1Dot6
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise UsageError(f"CycloneDX export needs cyclonedx-python-lib: {_EXTRA}") from exc
    document = json.loads(JsonV1Dot6(_library_bom(facts)).output_as_string())
    by_ref = {c["bom-ref"]: c for c in document.get("components", [])}
    for index, model in enumerate(facts.models):
        card = _model_card(model.metrics, facts)
        if card:
            by_ref[model_ref(index)]["modelCard"] = card
    declarations = _declarations(facts)
    if declarations["claims"]:
        document["declarations"] = declarations
    text = json.dumps(document, indent=2, ensure_ascii=False)
    validate_cyclonedx(text)
    return text + "\n"


def validate_cyclonedx(text: str) -> None:
    """Check ``text`` against the official CycloneDX 1.6 JSON schema (strict)."""
    from cyclonedx.exception import MissingOptionalDependencyException
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    try:
        error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    except MissingOptionalDependencyException as exc:  # pragma: no cover - the install
        raise UsageError(f"validating the CycloneDX BOM needs jsonschema: {_EXTRA}") from exc
    if error is not None:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "invalid"
        raise ReportError(f"the CycloneDX BOM does not validate against CycloneDX 1.6: {first}")


def _library_bom(facts: AuditFacts) -> Any:
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType

    bom = Bom(serial_number=serial_uuid(facts))
    bom.metadata.timestamp = facts.generated_at
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name=TOOL_NAME, version=facts.tool_version)
    )
    bom.metadata.properties.update([
        Property(name="auditor:report-sha256", value=facts.report_sha256),
        Property(name="auditor:root", value=facts.root),
        Property(name="auditor:method", value=facts.method),
    ])
    by_id = {m.id: m for m in facts.models}
    for index, model in enumerate(facts.models):
        bom.components.add(_component(model, model_ref(index), by_id))
    for index, suite in enumerate(facts.suites):
        bom.components.add(Component(
            type=ComponentType.DATA, name=suite.name, bom_ref=f"suite-{index + 1}",
            description=f"evaluation suite, {suite.n_items} items",
            properties=[Property(name="auditor:suite-sha256", value=suite.hash)],
        ))
    return bom


def _component(model: AuditedModel, ref: str, by_id: dict[str, AuditedModel]) -> Any:
    from cyclonedx.model.component import Component, ComponentType, Pedigree

    ancestors = []
    for n, parent in enumerate(model.parents):
        known = by_id.get(parent.id)
        ancestors.append(Component(
            type=ComponentType.MACHINE_LEARNING_MODEL, name=parent.id,
            bom_ref=f"{ref}-ancestor-{n + 1}", version=known.revision if known else None,
            hashes=_hashes(known), purl=_purl(known),
            properties=_properties([("auditor:relation", parent.relation)]),
        ))
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL, name=model.id, bom_ref=ref,
        version=model.revision, hashes=_hashes(model), purl=_purl(model),
        pedigree=Pedigree(ancestors=ancestors) if ancestors else None,
        properties=_properties([
            ("auditor:key", model.key), ("auditor:role", model.role),
            ("auditor:format", model.format), ("auditor:quantization", model.quantization),
            ("auditor:file", model.file), ("auditor:sha256-covers", model.hash_scope),
            *(("auditor:parent-relation", f"{p.relation} of {p.id}") for p in model.parents),
        ]),
    )


def _hashes(model: AuditedModel | None) -> list[Any]:
    from cyclonedx.model import HashAlgorithm, HashType

    if model is None or model.sha256 is None:
        return []
    return [HashType(alg=HashAlgorithm.SHA_256, content=model.sha256)]


def _purl(model: AuditedModel | None) -> Any:
    """``pkg:huggingface/<repo>@<revision>`` for a Hub model pinned to a revision."""
    from packageurl import PackageURL

    if model is None or not model.repo_id or not model.revision:
        return None
    namespace, _, name = model.repo_id.rpartition("/")
    return PackageURL(type="huggingface", namespace=namespace or None, name=name,
                      version=model.revision.lower())


def _properties(pairs: list[tuple[str, str | None]]) -> list[Any]:
    from cyclonedx.model import Property

    return [Property(name=k, value=v) for k, v in pairs if v]


def _model_card(metrics: tuple[Metric, ...], facts: AuditFacts) -> dict[str, Any]:
    if not metrics:
        return {}
    performance = []
    for metric in metrics:
        entry: dict[str, Any] = {"type": metric.name, "value": repr(float(metric.value)),
                                 "slice": metric.slice}
        if metric.ci is not None:
            entry["confidenceInterval"] = {"lowerBound": repr(float(metric.ci[0])),
                                           "upperBound": repr(float(metric.ci[1]))}
        performance.append(entry)
    card: dict[str, Any] = {"quantitativeAnalysis": {"performanceMetrics": performance}}
    if facts.limits:
        card["considerations"] = {"technicalLimitations": list(facts.limits)}
    return card


def _declarations(facts: AuditFacts) -> dict[str, Any]:
    """Each verdict a claim on its model, backed by its comparison and the audit's method."""
    created = facts.generated_at.isoformat()
    evidence: list[dict[str, Any]] = [{
        "bom-ref": "evidence-method",
        "propertyName": "auditor:method",
        "description": facts.method,
        "data": [
            {"name": "judge", "contents": _text(f"{facts.judge_id} "
                                                f"(rubric sha256 {facts.judge_rubric_hash})")},
            *({"name": f"suite {s.name}", "contents": _text(f"{s.n_items} items, sha256 "
                                                              f"{s.hash}")}
              for s in facts.suites),
        ],
        "created": created,
    }]
    claims = []
    for index, model in enumerate(facts.models):
        if model.claim is None:
            continue
        ref = f"evidence-{model_ref(index)}"
        evidence.append({
            "bom-ref": ref,
            "propertyName": "auditor:paired-comparison",
            "description": f"Paired comparison of {model.id} with its parent {model.claim.parent}",
            "data": [{"name": n, "contents": _text(v)} for n, v in model.claim.evidence],
            "created": created,
        })
        claims.append({
            "bom-ref": f"claim-{model_ref(index)}",
            "target": model_ref(index),
            "predicate": model.claim.sentence,
            "reasoning": facts.method,
            "evidence": [ref, "evidence-method"],
        })
    return {"claims": claims, "evidence": evidence}


def _text(value: str) -> dict[str, Any]:
    return {"attachment": {"contentType": "text/plain", "content": value}}

