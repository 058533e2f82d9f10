"""The audit as an SPDX 3.0.1 document with the AI and Dataset profiles (JSON-LD).

Built with spdx-python-model, the SPDX project's bindings generated from the 3.0.1 model: they
check every value's type when it is set and every property's cardinality when the document is
serialised, so a document that does not fit the model is never written.

What goes where (docs/PROVENANCE.md, "ML-BOM export", has the table): an ``ai_AIPackage`` per
evaluated model (hash as ``verifiedUsing``, outcomes as ``ai_metric``, the verdict as
``ai_safetyRiskAssessment`` and as a review ``Annotation``), one per parent that was not
evaluated (named only), a ``dataset_DatasetPackage`` per suite, ``ancestorOf`` relationships
parent -> child and ``testedOn`` model -> suites. Element ids are ``urn:uuid:<serial>#...``
with the serial derived from the report's sha256, never from a (untrusted) model name.
"""

from __future__ import annotations

import io
from typing import Any

from auditor.bom._cyclonedx import TOOL_NAME, serial_uuid
from auditor.bom._facts import AuditedModel, AuditFacts
from auditor.errors import ReportError, UsageError

# The verdict relative to the parent, read as the AI profile's risk scale (EU AI Act levels).
# The audit measures a change, not an absolute risk: docs/PROVENANCE.md says so.
RISK_OF_VERDICT = {"degraded": "high", "inconclusive": "medium", "not_degraded": "low"}


def to_spdx(facts: AuditFacts) -> str:
    """The SPDX 3.0.1 JSON-LD text of ``facts``."""
    try:
        from spdx_python_model import v3_0_1 as spdx
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise UsageError("SPDX export needs spdx-python-model: "
                         "pip install 'supply-chain-auditor[filing]'") from exc
    buffer = io.BytesIO()
    try:  # the bindings refuse a value or a count the 3.0.1 model does not allow
        objects = _Builder(spdx, facts).build()
        spdx.JSONLDSerializer().write(spdx.SHACLObjectSet(objects), buffer, indent=2)
    except (TypeError, ValueError) as exc:
        raise ReportError(f"the report cannot be written as SPDX 3.0.1: {exc}") from None
    return buffer.getvalue().decode("utf-8") + "\n"


class _Builder:
    """Creates the elements in order; ``new`` gives each the next id and the creation info."""

    def __init__(self, spdx: Any, facts: AuditFacts) -> None:
        self.spdx, self.facts = spdx, facts
        self.prefix = f"urn:uuid:{serial_uuid(facts)}#"
        self.elements: list[Any] = []
        self.info = spdx.CreationInfo(specVersion="3.0.1", created=facts.generated_at)
        agent = self.new(spdx.SoftwareAgent, "agent", name=TOOL_NAME)
        self.info.createdBy = [agent]
        self.info.createdUsing = [
            self.new(spdx.Tool, "tool", name=f"{TOOL_NAME} {facts.tool_version}")
        ]

    def new(self, cls: Any, local_id: str, **fields: Any) -> Any:
        element = cls(spdxId=self.prefix + local_id, creationInfo=self.info, **fields)
        self.elements.append(element)
        return element

    def build(self) -> list[Any]:
        spdx, facts = self.spdx, self.facts
        packages = {m.id: self.model(i, m) for i, m in enumerate(facts.models)}
        for n, name in enumerate(facts.unaudited_parents):
            packages[name] = self.new(
                spdx.ai_AIPackage, f"parent-{n + 1}", name=name,
                comment="a parent in the lineage that this audit did not evaluate",
                software_primaryPurpose=spdx.software_SoftwarePurpose.model,
            )
        suites = [self.suite(n, s) for n, s in enumerate(facts.suites)]
        for model in facts.models:
            for parent in model.parents:
                self.relate(packages[parent.id], [packages[model.id]],
                            spdx.RelationshipType.ancestorOf, f"{parent.relation} of {parent.id}")
            if suites:
                self.relate(packages[model.id], suites, spdx.RelationshipType.testedOn, None)
        models = [packages[m.id] for m in facts.models]
        document = spdx.SpdxDocument(
            spdxId=self.prefix + "document", creationInfo=self.info,
            name=f"ML-BOM: {facts.title} of {facts.root}",
            comment=f"Exported from an audit report with sha256 {facts.report_sha256}. "
                    f"{facts.method}",
            element=list(self.elements), rootElement=models,
            profileConformance=[spdx.ProfileIdentifierType.core, spdx.ProfileIdentifierType.ai,
                                spdx.ProfileIdentifierType.dataset,
                                spdx.ProfileIdentifierType.software],
        )
        return [document, *self.elements]

    def model(self, index: int, model: AuditedModel) -> Any:
        spdx = self.spdx
        package = self.new(
            spdx.ai_AIPackage, f"model-{index + 1}", name=model.id,
            software_primaryPurpose=spdx.software_SoftwarePurpose.model,
            comment=f"auditor key {model.key}; role {model.role}",
        )
        if model.revision:
            package.software_packageVersion = model.revision
        if model.sha256:
            package.verifiedUsing = [spdx.Hash(algorithm=spdx.HashAlgorithm.sha256,
                                               hashValue=model.sha256,
                                               comment=f"sha256 of {model.hash_scope}")]
        package.ai_metric = self.metrics(model)
        package.ai_metricDecisionThreshold = [
            spdx.DictionaryEntry(key="alpha", value=repr(self.facts.alpha)),
            spdx.DictionaryEntry(key="noninferiority_margin", value=repr(self.facts.margin)),
        ]
        if self.facts.limits:
            package.ai_limitation = " ".join(self.facts.limits)
        if model.claim is not None:
            package.ai_safetyRiskAssessment = getattr(
                spdx.ai_SafetyRiskAssessmentType, RISK_OF_VERDICT[model.claim.verdict])
            self.new(spdx.Annotation, f"verdict-{index + 1}",
                     annotationType=spdx.AnnotationType.review, subject=package,
                     statement=model.claim.sentence)
        return package

    def metrics(self, model: AuditedModel) -> list[Any]:
        entry = self.spdx.DictionaryEntry
        found = []
        for metric in model.metrics:
            found.append(entry(key=metric.name, value=repr(float(metric.value))))
            if metric.ci is not None:
                low, high = (repr(float(bound)) for bound in metric.ci)
                found.append(entry(key=f"{metric.name}.ci95_lower", value=low))
                found.append(entry(key=f"{metric.name}.ci95_upper", value=high))
        return found

    def suite(self, index: int, suite: Any) -> Any:
        spdx = self.spdx
        return self.new(
            spdx.dataset_DatasetPackage, f"suite-{index + 1}", name=suite.name,
            software_primaryPurpose=spdx.software_SoftwarePurpose.data,
            dataset_datasetType=[spdx.dataset_DatasetType.text],
            comment=f"evaluation suite, {suite.n_items} items",
            verifiedUsing=[spdx.Hash(algorithm=spdx.HashAlgorithm.sha256, hashValue=suite.hash,
                                     comment="sha256 over the suite's item hashes")],
        )

    def relate(self, source: Any, targets: list[Any], kind: Any, comment: str | None) -> None:
        n = sum(1 for e in self.elements if isinstance(e, self.spdx.Relationship)) + 1
        relation = self.new(self.spdx.Relationship, f"relationship-{n}", from_=source,
                            to=targets, relationshipType=kind)
        if comment:
            relation.comment = comment
