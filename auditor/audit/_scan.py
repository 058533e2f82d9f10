"""``auditor scan CONFIG.toml``: scheduled audits of several families, incrementally.

The config has a ``[scan]`` table (``out``: the folder for the index page and summary;
``store``: the default store), an optional ``[defaults]`` table of audit options for every
family, and one ``[[family]]`` table per family (``name`` plus any audit option). Families
share nothing but the store, so one family failing never stops the others. Incremental by
construction: a model whose revision and the suite, generation and judge versions are
unchanged is fully stored and reused, not evaluated again.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import re
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from auditor.audit._config import AuditConfig, config_from_mapping
from auditor.audit._events import AuditCallback, AuditEvent
from auditor.audit._pipeline import EXIT_FLAGGED, EXIT_OK, EXIT_USAGE, run_audit
from auditor.errors import AuditorError, UsageError

log = logging.getLogger(__name__)

SCAN_SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class FamilyScan:
    name: str
    config: AuditConfig


@dataclass(frozen=True, slots=True)
class ScanConfig:
    out: Path
    families: tuple[FamilyScan, ...]


@dataclass(frozen=True, slots=True)
class FamilyOutcome:
    """One family's result in the scan summary (paths relative to the scan folder)."""

    name: str
    root: str
    status: str  # "ok" | "error"
    exit_code: int
    degraded: int = 0
    not_degraded: int = 0
    inconclusive: int = 0
    evaluated: int = 0  # models generated for in this run
    reused: int = 0  # models fully stored before this run
    not_audited: int = 0
    report_html: str = ""
    report_json: str = ""
    error: str = ""
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class ScanSummary:
    started_at: str
    finished_at: str
    families: tuple[FamilyOutcome, ...]
    schema_version: int = SCAN_SCHEMA_VERSION

    @property
    def exit_code(self) -> int:
        """3 when any family has a flagged derivative, else 2 when a family failed, else 0."""
        codes = {f.exit_code for f in self.families}
        if EXIT_FLAGGED in codes:
            return EXIT_FLAGGED
        return EXIT_USAGE if EXIT_USAGE in codes else EXIT_OK

    def to_json(self) -> str:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        return json.dumps(data, indent=2, ensure_ascii=False)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "family"


def load_scan_config(path: Path) -> ScanConfig:
    """Read a scan config; relative paths are relative to the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"scan config {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}") from None
    base = path.parent
    scan = data.get("scan", {})
    unknown = set(data) - {"scan", "defaults", "family"}
    if unknown:
        raise UsageError(f"{path}: unknown tables {sorted(unknown)} (scan, defaults, family)")
    out = (base / str(scan.get("out", "scan"))).resolve()
    defaults: dict[str, Any] = dict(data.get("defaults", {}))
    if "store" in scan:
        defaults.setdefault("store", scan["store"])
    families = data.get("family", [])
    if not families:
        raise UsageError(f"{path}: no [[family]] tables")
    seen: set[str] = set()
    parsed = []
    for table in families:
        merged = _merge(defaults, table)
        name = str(merged.pop("name", "") or merged.get("root", ""))
        if not name:
            raise UsageError(f"{path}: every [[family]] needs a name or a root")
        if name in seen:
            raise UsageError(f"{path}: family {name!r} appears twice")
        seen.add(name)
        merged.setdefault("out", str(out / _slug(name)))
        merged.setdefault("store", str(out / "audit.db"))
        config = config_from_mapping(merged, base=base)
        parsed.append(FamilyScan(name, config.validate()))
    return ScanConfig(out=out, families=tuple(parsed))


def _merge(defaults: dict[str, Any], table: dict[str, Any]) -> dict[str, Any]:
    merged = {**defaults, **table}
    if isinstance(defaults.get("selection"), dict) and isinstance(table.get("selection"), dict):
        merged["selection"] = {**defaults["selection"], **table["selection"]}
    return merged


def run_scan(config: ScanConfig, *, progress: AuditCallback | None = None) -> ScanSummary:
    """Audit every family in turn, then write ``summary.json`` and ``index.html``."""
    from reports import write_scan_index

    started = _now()
    outcomes = []
    for family in config.families:
        if progress:
            progress(AuditEvent("family", f"{family.name} ({family.config.root or 'local'})"))
        outcomes.append(_scan_family(family, config.out, progress))
    summary = ScanSummary(started, _now(), tuple(outcomes))
    config.out.mkdir(parents=True, exist_ok=True)
    (config.out / "summary.json").write_text(summary.to_json() + "\n", encoding="utf-8")
    write_scan_index(summary, config.out / "index.html")
    return summary


def _scan_family(
    family: FamilyScan, out: Path, progress: AuditCallback | None
) -> FamilyOutcome:
    started = time.perf_counter()
    try:
        result = run_audit(family.config, progress=progress)
    except AuditorError as exc:
        log.error("family %s failed: %s", family.name, exc)
        return FamilyOutcome(family.name, family.config.root, "error", EXIT_USAGE,
                             error=str(exc), seconds=time.perf_counter() - started)
    counts = result.counts
    return FamilyOutcome(
        name=family.name,
        root=result.report.root,
        status="ok",
        exit_code=result.exit_code,
        degraded=counts["degraded"],
        not_degraded=counts["not_degraded"],
        inconclusive=counts["inconclusive"],
        evaluated=sum(1 for o in result.outcomes if o.summary and o.summary.generated),
        reused=sum(1 for o in result.outcomes if o.reused or (o.summary and
                                                               not o.summary.generated)),
        not_audited=len(result.report.not_audited),
        report_html=_relative(result.html_path, out),
        report_json=_relative(result.json_path, out),
        seconds=time.perf_counter() - started,
    )


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
