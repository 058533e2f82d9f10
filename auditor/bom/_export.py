"""``report.json`` in, BOM text out: the one entry point the CLI calls."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from auditor.bom._cyclonedx import to_cyclonedx
from auditor.bom._facts import audit_facts
from auditor.bom._spdx import to_spdx
from auditor.errors import UsageError
from reports import load_report_bytes

BomFormat = Literal["cyclonedx", "spdx"]
FORMATS: tuple[str, ...] = ("cyclonedx", "spdx")


def export_bom(report_path: str | Path, fmt: str) -> str:
    """The ML-BOM of the report at ``report_path`` in ``fmt`` (``cyclonedx`` or ``spdx``).

    The report is read once, bounded, and validated by the report package's strict loader; a
    malformed, tampered or unsupported report is a one-line :class:`ReportError`.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown BOM format {fmt!r}; choose one of {', '.join(FORMATS)}")
    data, report = load_report_bytes(report_path)  # the BOM names the digest of these bytes
    facts = audit_facts(report, hashlib.sha256(data).hexdigest())
    return to_cyclonedx(facts) if fmt == "cyclonedx" else to_spdx(facts)
