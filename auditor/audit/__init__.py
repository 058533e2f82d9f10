"""``auditor audit``: the whole pipeline for one family, and scheduled scans of several."""

from auditor.audit._config import (
    OPTION_PARTS,
    AuditConfig,
    SelectionPolicy,
    StatisticsPolicy,
    config_from_mapping,
    evaluation_parts,
    load_config_file,
    with_overrides,
)
from auditor.audit._evaluate import TargetOutcome
from auditor.audit._events import AuditCallback, AuditEvent
from auditor.audit._memory import MemoryEstimate, estimate_memory
from auditor.audit._pipeline import (
    EXIT_FLAGGED,
    EXIT_OK,
    EXIT_USAGE,
    AuditResult,
    audit_inputs,
    exit_code_for,
    obtain_graph,
    report_outputs,
    run_audit,
)
from auditor.audit._scan import (
    FamilyOutcome,
    ScanConfig,
    ScanSummary,
    load_scan_config,
    run_scan,
)
from auditor.audit._selection import AuditTarget, NotAudited, Selection, select_targets

__all__ = [
    "EXIT_FLAGGED",
    "EXIT_OK",
    "EXIT_USAGE",
    "OPTION_PARTS",
    "AuditCallback",
    "AuditConfig",
    "AuditEvent",
    "AuditResult",
    "AuditTarget",
    "FamilyOutcome",
    "MemoryEstimate",
    "NotAudited",
    "ScanConfig",
    "ScanSummary",
    "Selection",
    "SelectionPolicy",
    "StatisticsPolicy",
    "TargetOutcome",
    "audit_inputs",
    "config_from_mapping",
    "estimate_memory",
    "evaluation_parts",
    "exit_code_for",
    "load_config_file",
    "load_scan_config",
    "obtain_graph",
    "report_outputs",
    "run_audit",
    "run_scan",
    "select_targets",
    "with_overrides",
]
