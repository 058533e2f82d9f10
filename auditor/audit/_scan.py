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
import logging
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.audit._config import AuditConfig, config_from_options
from auditor.audit._events import AuditCallback, AuditEvent
from auditor.audit._pipeline import EXIT_FLAGGED, EXIT_OK, EXIT_USAGE, run_audit
from auditor.errors import AuditorError, InputError, UsageError
from auditor.jsonio import dumps, to_jsonable
from auditor.names import safe_component

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
        data = to_jsonable(self)
        data["exit_code"] = self.exit_code
        return dumps(data, indent=2)


# Files of the scan folder itself: no family's report folder may take one of these names.
_SCAN_FILES = frozenset({"summary.json", "index.html", "audit.db", "audit.db-wal",
                         "audit.db-shm", "audit.db-journal"})


def load_scan_config(path: Path) -> ScanConfig:
    """Read a scan config; relative paths are relative to the file.

    Every value is checked strictly (see ``_schema.py``); any problem is one
    :class:`UsageError` naming the file, the family and the key.
    """
    from pydantic import ValidationError

    from auditor.audit._schema import AUDIT_OPTION_NAMES, ScanFile
    from auditor.audit._toml import one_line, read_toml

    data = read_toml(path, "scan config")
    unknown = set(data) - {"scan", "defaults", "family"}
    if unknown:
        raise UsageError(f"{path}: unknown tables {sorted(unknown)} (scan, defaults, family)")
    try:
        parsed = ScanFile.model_validate(data)
    except ValidationError as exc:
        raise one_line(exc, str(path), known=AUDIT_OPTION_NAMES,
                       families=_labels(data.get("family"))) from None
    if not parsed.family:
        raise UsageError(f"{path}: no [[family]] tables")
    base = path.parent
    out = (base / (parsed.scan.out or "scan")).resolve()
    defaults = parsed.defaults.audit_values()
    if parsed.scan.store is not None:
        defaults.setdefault("store", parsed.scan.store)
    seen: set[str] = set()
    folders: set[str] = set(_SCAN_FILES)
    families = []
    for number, table in enumerate(parsed.family, start=1):
        audit = {**defaults, **table.audit_values()}
        name = table.name or audit.get("root", "")
        where = f"{path}: [[family]] #{number}" + (f" ({name!r})" if name else "")
        if not name:
            raise UsageError(f"{where}: every [[family]] needs a name or a root")
        if name in seen:
            raise UsageError(f"{path}: family {name!r} appears twice")
        seen.add(name)
        if "out" not in audit:
            audit["out"] = str(out / _folder_for(name, folders))
        audit.setdefault("store", str(out / "audit.db"))
        selection = {**parsed.defaults.selection_values(), **table.selection_values()}
        config = config_from_options(audit, selection, base=base, source=where)
        try:
            families.append(FamilyScan(name, config.validate()))
        except UsageError as exc:
            raise UsageError(f"{where}: {exc}") from None
    return ScanConfig(out=out, families=tuple(families))


def _labels(tables: Any) -> list[str]:
    """Each raw ``[[family]]`` table's name (or root), for error messages."""
    if not isinstance(tables, list):
        return []
    labels = []
    for table in tables:
        label = table.get("name") if isinstance(table, dict) else None
        if not isinstance(label, str) and isinstance(table, dict):
            label = table.get("root")
        labels.append(label if isinstance(label, str) else "")
    return labels


def _folder_for(name: str, taken: set[str]) -> str:
    """A report folder name for family ``name``: safe, and unlike any other in the scan.

    Case-insensitively distinct, so two families never share a folder on macOS or Windows.
    """
    folder = safe_component(name, default="family")
    candidate, n = folder, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{folder}-{n}"
    taken.add(candidate.lower())
    return candidate


def run_scan(config: ScanConfig, *, progress: AuditCallback | None = None) -> ScanSummary:
    """Audit every family in turn, then write ``summary.json`` and ``index.html``.

    One family failing, for whatever reason (an error, a bug in reading its metadata, a
    backend crash that took its root), is recorded with the reason and the next family
    runs. The summary and index are written even when the scan is interrupted; the
    families not reached are listed as not run. An output that would replace an input (a
    family's report or the scan's own files over a store, suite or lineage file of any
    family) is refused before the first family runs.
    """
    _check_outputs(config)
    started = _now()
    outcomes: list[FamilyOutcome] = []
    try:
        with ExitStack() as families:
            _share_ray_cluster(config, families)
            for family in config.families:
                if progress:
                    progress(AuditEvent("family", f"{family.name} "
                                        f"({family.config.root or 'local'})"))
                outcomes.append(_scan_family(family, config.out, progress))
    finally:
        done = {o.name for o in outcomes}
        outcomes += [FamilyOutcome(f.name, f.config.root, "error", EXIT_USAGE,
                                   error="not run: the scan was interrupted")
                     for f in config.families if f.name not in done]
        summary = ScanSummary(started, _now(), tuple(outcomes))
        _write_summary(summary, config.out)
    return summary


def shares_a_local_ray_cluster(config: ScanConfig) -> bool:
    """True when the scan's families go to Ray and none names a cluster: one local cluster
    is then started for them all (each family's audit uses the cluster this process is
    connected to) instead of one per family (7 s to minutes each on a loaded machine)."""
    ray = [f.config for f in config.families if f.config.executor == "ray"]
    return bool(ray) and not any(c.ray_address for c in ray)


def _share_ray_cluster(config: ScanConfig, families: ExitStack) -> None:
    """Start the scan's one local Ray cluster in ``families`` (see
    :func:`shares_a_local_ray_cluster`); if it cannot start, each family tries itself and
    records the reason."""
    if not shares_a_local_ray_cluster(config):
        return
    from auditor.executors import RayCluster

    try:
        families.enter_context(RayCluster())
    except AuditorError as exc:
        log.warning("no shared Ray cluster for the scan: %s", exc)


def _check_outputs(config: ScanConfig) -> None:
    from auditor.audit._pipeline import audit_inputs, report_outputs
    from auditor.outputs import check_outputs

    inputs = [i for f in config.families for i in audit_inputs(f.config)]
    check_outputs([config.out / n for n in ("summary.json", "index.html")], inputs,
                  folders=[config.out])
    for family in config.families:
        check_outputs(report_outputs(family.config.out), inputs, folders=[family.config.out])


def _write_summary(summary: ScanSummary, out: Path) -> None:
    from auditor.outputs import atomic_write_text
    from auditor.redact import redact
    from reports import write_scan_index

    try:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out / "summary.json", redact(summary.to_json() + "\n"))
    except OSError as exc:
        raise InputError(f"cannot write the scan summary in {out}: {exc.strerror or exc}"
                         ) from exc
    write_scan_index(summary, out / "index.html")


def _scan_family(
    family: FamilyScan, out: Path, progress: AuditCallback | None
) -> FamilyOutcome:
    started = time.perf_counter()
    try:
        result = run_audit(family.config, progress=progress)
    except Exception as exc:  # noqa: BLE001 - one family's failure must not end the scan
        reason = str(exc) if isinstance(exc, AuditorError) else (
            f"unexpected {type(exc).__name__}: {exc}"
        )
        if isinstance(exc, AuditorError):
            log.error("family %s failed: %s", family.name, reason)
        else:  # a bug: keep the traceback in the log, the reason in the summary
            log.exception("family %s failed: %s", family.name, reason)
        return FamilyOutcome(family.name, family.config.root, "error", EXIT_USAGE,
                             error=reason, seconds=time.perf_counter() - started)
    counts = result.counts
    return FamilyOutcome(
        name=family.name,
        root=result.report.root,
        status="error" if result.exit_code == EXIT_USAGE else "ok",
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
        error=result.failure,
        seconds=time.perf_counter() - started,
    )


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path.resolve())


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
