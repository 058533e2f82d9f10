"""Self-contained HTML audit reports and their versioned JSON twin.

The report is a typed, versioned model (:class:`Report`, ``schema_version`` 1); ``report.json``
is that model serialised and ``report.html`` is rendered from it and nothing else.
"""

from reports._agreement import load_judge_agreement, write_harm_agreement, write_judge_agreement
from reports._build import build_report
from reports._html import REPORT_FILES, render_html, write_report
from reports._index import render_scan_index, write_scan_index
from reports._model import (
    SCHEMA_VERSION,
    VERDICTS,
    CategoryRow,
    ClusteredResult,
    DerivativeResult,
    DiscordantExample,
    EvalAwareness,
    FramingGap,
    Headline,
    JudgeAgreement,
    LineageEdge,
    LineageNode,
    LineageView,
    Methods,
    ModelSummary,
    NotAudited,
    PairedResult,
    ReasoningBlock,
    Report,
    TraceStats,
)
from reports._provenance import runtime_build
from reports._provenance_model import (
    GenerationSetting,
    JudgeProvenance,
    ModelProvenance,
    PackageVersion,
    Provenance,
    RuntimeBuild,
    SuiteProvenance,
)
from reports._serde import from_json, load_report, load_report_bytes, to_dict, to_json

__all__ = [
    "REPORT_FILES",
    "SCHEMA_VERSION",
    "VERDICTS",
    "CategoryRow",
    "ClusteredResult",
    "DerivativeResult",
    "DiscordantExample",
    "EvalAwareness",
    "FramingGap",
    "GenerationSetting",
    "Headline",
    "JudgeAgreement",
    "JudgeProvenance",
    "LineageEdge",
    "LineageNode",
    "LineageView",
    "Methods",
    "ModelProvenance",
    "ModelSummary",
    "NotAudited",
    "PackageVersion",
    "PairedResult",
    "Provenance",
    "ReasoningBlock",
    "Report",
    "RuntimeBuild",
    "SuiteProvenance",
    "TraceStats",
    "build_report",
    "from_json",
    "load_judge_agreement",
    "load_report",
    "load_report_bytes",
    "render_html",
    "render_scan_index",
    "runtime_build",
    "to_dict",
    "to_json",
    "write_report",
    "write_harm_agreement",
    "write_judge_agreement",
    "write_scan_index",
]
