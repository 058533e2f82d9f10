"""Audit configuration: one frozen record, read from TOML and overridden by the CLI.

Every option of ``auditor audit`` can come from the ``[audit]`` table of a TOML file (or the
file's top level); options given on the command line win. Unknown keys are an error, so a
typo in a scheduled scan's config fails loudly instead of being ignored, and every value is
type-checked strictly at that boundary (``_schema.py``): ``trust_remote_code = "false"`` is
an error, not a truthy string.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from auditor.errors import UsageError

RELATIONS = ("finetune", "quantized", "adapter", "merge")
FAIL_ON = ("degraded", "inconclusive")
DEFAULT_QUANT_TYPES = ("Q4_K_M", "Q8_0")


@dataclass(frozen=True, slots=True)
class SelectionPolicy:
    """Which lineage nodes are evaluated.

    ``relations`` keeps derivatives reached by those edge relations (empty: all).
    ``top_n_per_relation`` keeps the N most downloaded per relation (0: no limit).
    ``include`` always keeps, ``exclude`` always drops (node ids, case-insensitive).
    ``quant_types`` picks the GGUF files of a quantized repo; ``all_quants`` takes every file.
    """

    relations: tuple[str, ...] = ()
    min_downloads: int = 0
    top_n_per_relation: int = 0
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    quant_types: tuple[str, ...] = DEFAULT_QUANT_TYPES
    all_quants: bool = False


@dataclass(frozen=True, slots=True)
class AuditConfig:
    """Everything one audit needs; recorded in the report's provenance."""

    root: str = ""
    lineage: Path | None = None
    local: tuple[Path, ...] = ()
    suites: tuple[str, ...] = ("harm", "benign-twins")
    store: Path = Path("audit.db")
    out: Path = Path("audit-report")
    # lineage crawl
    depth: int = 3
    max_nodes: int = 5000
    refresh: bool = False
    # selection
    selection: SelectionPolicy = field(default_factory=SelectionPolicy)
    overrides: tuple[tuple[str, str], ...] = ()  # node id -> model reference (e.g. openai:...)
    # generation
    limit: int | None = None
    suite_limits: tuple[tuple[str, int], ...] = ()  # per-suite item limits, over ``limit``
    max_new_tokens: int = 256
    seed: int = 0
    samples: int = 1
    temperature: float = 0.0
    backend: str = "auto"
    device: str = "auto"
    dtype: str = "auto"
    chat_template: str = "auto"  # auto | none (completion mode) | builtin:<name> | PATH
    threads: int | None = None
    n_gpu_layers: int = 0
    batch_size: int = 8
    trust_remote_code: bool = False
    allow_pickle: bool = False
    memory_limit_gb: float | None = None  # default: what the machine has available
    # judging and statistics
    judge: str = "heuristic"
    margin: float = 0.03
    alpha: float = 0.05
    early_stop: bool = False
    fail_on: str = "degraded"

    def limit_for(self, suite: str) -> int | None:
        """How many items of ``suite`` to run: its own limit, else ``limit`` (None: all)."""
        return dict(self.suite_limits).get(suite, self.limit)

    def validate(self) -> AuditConfig:
        """Raise :class:`UsageError` for values no audit can run with; return self."""
        bad = [r for r in self.selection.relations if r not in RELATIONS]
        if bad:
            raise UsageError(f"unknown relation(s) {bad}; choose from {', '.join(RELATIONS)}")
        if self.fail_on not in FAIL_ON:
            raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")
        if not 0 < self.margin < 1:
            raise UsageError(f"margin must be between 0 and 1, not {self.margin}")
        if not 0 < self.alpha < 1:
            raise UsageError(f"alpha must be between 0 and 1, not {self.alpha}")
        if self.samples < 1 or self.max_new_tokens < 1:
            raise UsageError("samples and max_new_tokens must be at least 1")
        if not self.suites:
            raise UsageError("at least one suite is needed")
        for name, n in self.suite_limits:
            if name not in self.suites:
                raise UsageError(f"a limit is set for the suite {name!r}, which is not audited")
            if n < 1:
                raise UsageError(f"the limit for the suite {name!r} must be at least 1")
        if not (self.root or self.lineage or self.local):
            raise UsageError("give a root id, a lineage JSON file (--lineage) or --local folders")
        return self


_PATH_FIELDS = {"lineage", "store", "out"}
_TUPLE_FIELDS = {"local", "suites"}
_SELECTION_FIELDS = {f.name for f in fields(SelectionPolicy)}


def config_from_options(
    audit: dict[str, Any], selection: dict[str, Any], *, base: Path, source: str
) -> AuditConfig:
    """Build the record from validated option values (see ``_schema.AuditOptions``)."""
    top: dict[str, Any] = {}
    for name, value in audit.items():
        if name in _PATH_FIELDS:
            top[name] = _path(base, value, name, source)
        elif name == "local":
            top[name] = tuple(_path(base, v, name, source) for v in value)
        elif name in _TUPLE_FIELDS:
            top[name] = tuple(value)
        elif name in ("overrides", "suite_limits"):
            top[name] = tuple(sorted(value.items()))
        else:
            top[name] = value
    sel: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                           for k, v in selection.items()}
    return AuditConfig(selection=SelectionPolicy(**sel), **top)


def _path(base: Path, value: str, name: str, source: str) -> Path:
    try:
        return (base / value).resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        raise UsageError(f"{source}: {name!r} is not a usable path ({exc})") from None


def config_from_mapping(
    data: dict[str, Any], *, base: Path = Path("."), source: str = "audit config"
) -> AuditConfig:
    """Build a config from a parsed TOML table; relative paths are relative to ``base``.

    Values are checked strictly (see ``_schema.py``): a wrong type, an unknown key or a value
    out of range raises one :class:`UsageError` naming ``source`` and the key.
    """
    from pydantic import ValidationError

    from auditor.audit._schema import AUDIT_OPTION_NAMES, AuditOptions
    from auditor.audit._toml import one_line

    try:
        options = AuditOptions.model_validate(data)
    except ValidationError as exc:
        raise one_line(exc, source, known=AUDIT_OPTION_NAMES) from None
    return config_from_options(options.audit_values(), options.selection_values(), base=base,
                               source=source)


def load_config_file(path: Path) -> AuditConfig:
    """Read an audit config from TOML (the ``[audit]`` table, or the top level)."""
    from auditor.audit._toml import read_toml

    data = read_toml(path, "config file")
    if "audit" not in data:
        return config_from_mapping(data, base=path.parent, source=str(path))
    table = data["audit"]
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [audit] must be a table")
    beside = sorted(k for k in data if k != "audit")
    if beside:
        raise UsageError(f"{path}: unknown key {beside[0]!r} outside the [audit] table")
    return config_from_mapping(table, base=path.parent, source=str(path))


def with_overrides(config: AuditConfig, **given: Any) -> AuditConfig:
    """Apply command-line values; ``None`` means "not given on the command line"."""
    top = {k: v for k, v in given.items() if v is not None and k not in _SELECTION_FIELDS}
    sel = {k: v for k, v in given.items() if v is not None and k in _SELECTION_FIELDS}
    selection = replace(config.selection, **sel) if sel else config.selection
    return replace(config, selection=selection, **top)
