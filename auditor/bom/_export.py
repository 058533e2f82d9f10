"""``report.json`` in, BOM text out: the one entry point the CLI calls."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from auditor.bom._cyclonedx import to_cyclonedx
from auditor.bom._facts import audit_facts
from auditor.bom._spdx import to_spdx
from auditor.errors import ReportError, UsageError
from auditor.safeio import FileKind, MiB, decode_text, read_bytes
from reports import from_json

BomFormat = Literal["cyclonedx", "spdx"]
FORMATS: tuple[str, ...] = ("cyclonedx", "spdx")
# The report loader's own cap (reports: 64 MiB); read here as bytes so the BOM can name the
# digest of exactly the file it was made from.
REPORT_FILE = FileKind("report JSON", 64 * MiB)


def export_bom(report_path: str | Path, fmt: str) -> str:
    """The ML-BOM of the report at ``report_path`` in ``fmt`` (``cyclonedx`` or ``spdx``).

    The report is read once, bounded, and validated by the report package's strict loader; a
    malformed, tampered or unsupported report is a one-line :class:`ReportError`.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown BOM format {fmt!r}; choose one of {', '.join(FORMATS)}")
    data = read_bytes(report_path, REPORT_FILE, error=ReportError)
    text = decode_text(data, report_path, error=ReportError)
    report = from_json(text, source=str(report_path))
    facts = audit_facts(report, hashlib.sha256(data).hexdigest())
    return to_cyclonedx(facts) if fmt == "cyclonedx" else to_spdx(facts)
