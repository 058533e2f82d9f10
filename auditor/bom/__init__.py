"""ML-BOM export of an audit report: CycloneDX 1.6 and SPDX 3.0.1 (AI profile).

``export_bom(report.json, "cyclonedx" | "spdx")`` reads a finished report through the report
package's validated loader and returns the BOM text; the formats render the same
:class:`AuditFacts`. The libraries (the ``filing`` extra) are imported only when exporting.
"""

from auditor.bom._cyclonedx import to_cyclonedx, validate_cyclonedx
from auditor.bom._export import FORMATS, BomFormat, export_bom
from auditor.bom._facts import AuditedModel, AuditFacts, Claim, Metric, Parent, Suite, audit_facts
from auditor.bom._spdx import RISK_OF_VERDICT, to_spdx

__all__ = [
    "FORMATS",
    "RISK_OF_VERDICT",
    "AuditFacts",
    "AuditedModel",
    "BomFormat",
    "Claim",
    "Metric",
    "Parent",
    "Suite",
    "audit_facts",
    "export_bom",
    "to_cyclonedx",
    "to_spdx",
    "validate_cyclonedx",
]
