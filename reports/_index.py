"""The index page of a scheduled scan (``auditor scan``), rendered like the report itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reports._html import CSP, _atomic_write, _environment

INDEX_TEMPLATE = "scan_index.html.j2"


def render_scan_index(summary: Any) -> str:
    """HTML for a :class:`auditor.audit.ScanSummary` (autoescaped, no script, strict CSP)."""
    template = _environment().get_template(INDEX_TEMPLATE)
    return template.render(s=summary, exit_code=summary.exit_code, csp=CSP)


def write_scan_index(summary: Any, path: str | Path) -> Path:
    """Write the index page atomically; returns its path."""
    target = Path(path)
    _atomic_write(target, render_scan_index(summary))
    return target
