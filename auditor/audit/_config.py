"""Audit configuration: one frozen record made of parts, read from TOML and the CLI.

The parts are the records the stages already take, so an option exists once:
``generation`` is the runner's :class:`~auditor.backends.GenerationConfig`, ``backend_options``
the backends' :class:`~auditor.backends.BackendOptions`, ``selection`` the
:class:`SelectionPolicy` and ``statistics`` the :class:`StatisticsPolicy`. The TOML keys and
CLI flags stay flat (``max_new_tokens``, ``margin``...): :data:`OPTION_PARTS` maps each flat
name onto its part, and ``AuditConfig(max_new_tokens=64)``, :func:`with_overrides`, the
``[audit]`` table and ``auditor scan`` files all go through that one mapping.

Every option of ``auditor audit`` can come from the ``[audit]`` table of a TOML file (or the
file's top level); options given on the command line win. Unknown keys are an error, so a
typo in a scheduled scan's config fails loudly instead of being ignored, and every value is
type-checked strictly at that boundary (``_schema.py``): ``trust_remote_code = "false"`` is
an error, not a truthy string.

``batch_size`` defaults to ``None`` (the backend's own choice), as for ``auditor eval``: the
openai backend then batches as many requests as ``concurrency`` keeps in flight, transformers
takes 8 prompts on a GPU and 4 on a CPU, llama.cpp one. The audit's former fixed 8 capped
``--concurrency`` at 8 requests in flight and overfilled CPU batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from auditor.backends import BackendOptions, GenerationConfig
from auditor.errors import UsageError
from lineage import RELATIONS

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
class StatisticsPolicy:
    """How verdicts are reached: the judge, the non-inferiority ``margin`` and ``alpha`` of the
    paired tests, early stopping (anytime-valid), and which verdicts ``fail_on`` exit 3."""

    judge: str = "heuristic"
    rubric: str | None = None  # a model judge's rubric (auditor.judges.RUBRICS); None: its default
    margin: float = 0.03
    alpha: float = 0.05
    early_stop: bool = False
    fail_on: str = "degraded"


@dataclass(frozen=True, slots=True, init=False)
class AuditConfig:
    """Everything one audit needs; recorded in the report's provenance.

    Built from parts or from flat option names (the TOML keys), or both:
    ``AuditConfig(root="org/x", generation=GenerationConfig(top_p=0.9), threads=2)``.
    """

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
    verify_lineage: bool = False  # check each edge by the weights before comparing
    # public key (PEM) for the OpenSSF model-signing signatures (model.sig) models carry
    signing_key: Path | None = None
    # selection
    selection: SelectionPolicy = field(default_factory=SelectionPolicy)
    overrides: tuple[tuple[str, str], ...] = ()  # node id -> model reference (e.g. openai:...)
    # evaluation
    limit: int | None = None
    suite_limits: tuple[tuple[str, int], ...] = ()  # per-suite item limits, over ``limit``
    # condition names (auditor.conditions), each evaluated besides the plain conversation
    conditions: tuple[str, ...] = ()
    # the suites the conditions are asked on (empty: every suite); the rest are asked plain
    condition_suites: tuple[str, ...] = ()
    # quantization methods (auditor.quantize): each full-precision node also made and
    # evaluated as that type, a derivative ``<id>:<TYPE>`` of the node
    quantize: tuple[str, ...] = ()
    generation: GenerationConfig = field(default_factory=GenerationConfig)
    backend: str = "auto"  # auto | transformers | llamacpp | openai
    backend_options: BackendOptions = field(default_factory=BackendOptions)
    memory_limit_gb: float | None = None  # default: what the machine has available
    # where the models are evaluated: "local" (this process) | "ray" (auditor.executors)
    executor: str = "local"
    ray_address: str | None = None  # a Ray cluster's address; default: start a local one
    # judging and statistics
    statistics: StatisticsPolicy = field(default_factory=StatisticsPolicy)
    # the judge's measured agreement (``auditor judge-eval --json`` files), for the methods
    judge_agreement: tuple[Path, ...] = ()

    def __init__(self, **options: Any) -> None:
        own = {f.name for f in fields(AuditConfig)}
        given = {k: v for k, v in options.items() if k in own}
        for f in fields(AuditConfig):
            default = f.default_factory() if callable(f.default_factory) else f.default
            object.__setattr__(self, f.name, given.get(f.name, default))
        flat = {k: v for k, v in options.items() if k not in own}
        if flat:
            for part, values in _by_part(flat).items():
                object.__setattr__(self, part, replace(getattr(self, part), **values))

    def limit_for(self, suite: str) -> int | None:
        """How many items of ``suite`` to run: its own limit, else ``limit`` (None: all)."""
        return dict(self.suite_limits).get(suite, self.limit)

    def validate(self) -> AuditConfig:
        """Raise :class:`UsageError` for values no audit can run with; return self."""
        bad = [r for r in self.selection.relations if r not in RELATIONS]
        if bad:
            raise UsageError(f"unknown relation(s) {bad}; choose from {', '.join(RELATIONS)}")
        stats = self.statistics
        if stats.fail_on not in FAIL_ON:
            raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, "
                             f"not {stats.fail_on!r}")
        if stats.rubric is not None:
            _check_rubric(stats.judge, stats.rubric)
        if not 0 < stats.margin < 1:
            raise UsageError(f"margin must be between 0 and 1, not {stats.margin}")
        if not 0 < stats.alpha < 1:
            raise UsageError(f"alpha must be between 0 and 1, not {stats.alpha}")
        if not self.suites:
            raise UsageError("at least one suite is needed")
        for name, n in self.suite_limits:
            if name not in self.suites:
                raise UsageError(f"a limit is set for the suite {name!r}, which is not audited")
            if n < 1:
                raise UsageError(f"the limit for the suite {name!r} must be at least 1")
        for name in self.condition_suites:
            if name not in self.suites:
                raise UsageError(f"conditions are scoped to the suite {name!r}, which is not "
                                 "audited")
        _check_executor(self)
        if self.signing_key is not None and not self.signing_key.is_file():
            raise UsageError(f"signing key {self.signing_key}: no such file")
        for path in self.judge_agreement:
            if not path.is_file():
                raise UsageError(f"judge agreement file {path}: no such file")
        if not (self.root or self.lineage or self.local):
            raise UsageError("give a root id, a lineage JSON file (--lineage) or --local folders")
        from auditor.conditions import resolve_conditions

        resolve_conditions(self.conditions)  # an unknown name fails here, before any work
        from auditor.quantize import parse_methods

        parse_methods(self.quantize)  # an unknown type too
        return self


def _check_rubric(judge: str, rubric: str) -> None:
    """An unknown rubric, or one given to the offline judge, fails before any work."""
    from auditor.judges import get_rubric

    get_rubric(rubric)
    if judge == "heuristic":
        raise UsageError("--rubric prompts a model judge: give --judge MODEL_REF or "
                         "cascade:MODEL_REF with it")


def _check_executor(config: AuditConfig) -> None:
    """An unknown executor, Ray options without Ray, or Ray not installed: before any work."""
    from auditor.executors import EXECUTORS, import_ray

    if config.executor not in EXECUTORS:
        raise UsageError(f"--executor must be one of {', '.join(EXECUTORS)}, "
                         f"not {config.executor!r}")
    if config.executor != "ray":
        if config.ray_address:
            raise UsageError("--ray-address needs --executor ray")
        return
    if config.statistics.early_stop:
        raise UsageError("--early-stop needs the local executor (a derivative's early "
                         "stop reads its parent's stored rows as it goes)")
    import_ray()  # without the extra: one error naming it, before any work


# Flat option names the parts do not take as they are (``extra`` is for plug-ins' code).
_NOT_OPTIONS = {"backend_options": {"in_worker", "extra"}}
_PART_TYPES: dict[str, type] = {"generation": GenerationConfig,
                                "backend_options": BackendOptions,
                                "selection": SelectionPolicy, "statistics": StatisticsPolicy}
OPTION_PARTS: dict[str, str] = {
    f.name: part for part, cls in _PART_TYPES.items() for f in fields(cls)
    if f.name not in _NOT_OPTIONS.get(part, set())
} | {"in_process": "backend_options"}
"""Each flat option name that lives in a part -> that part's field of :class:`AuditConfig`."""


def _by_part(flat: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Flat option values grouped by part, renamed to the part's field names."""
    parts: dict[str, dict[str, Any]] = {}
    for name, value in flat.items():
        part = OPTION_PARTS.get(name)
        if part is None:
            raise TypeError(f"AuditConfig has no option {name!r}")
        if name == "in_process":  # --in-process: llama.cpp in this process, not a worker
            name, value = "in_worker", (False if value else None)
        parts.setdefault(part, {})[name] = value
    return parts


def option_names() -> frozenset[str]:
    """Every flat option name an audit takes (TOML keys; CLI flags with ``-``)."""
    parts = set(_PART_TYPES)
    return frozenset({f.name for f in fields(AuditConfig) if f.name not in parts}
                     | set(OPTION_PARTS))


_PATH_FIELDS = {"lineage", "store", "out", "signing_key"}
_TUPLE_FIELDS = {"local", "suites", "conditions", "condition_suites", "quantize"}


def config_from_options(
    audit: dict[str, Any], selection: dict[str, Any], *, base: Path, source: str
) -> AuditConfig:
    """Build the record from validated option values (see ``_schema.AuditOptions``)."""
    top: dict[str, Any] = {}
    for name, value in audit.items():
        if name in _PATH_FIELDS:
            top[name] = _path(base, value, name, source)
        elif name in ("local", "judge_agreement"):
            top[name] = tuple(_path(base, v, name, source) for v in value)
        elif name in _TUPLE_FIELDS:
            top[name] = tuple(value)
        elif name in ("overrides", "suite_limits"):
            top[name] = tuple(sorted(value.items()))
        else:
            top[name] = value
    sel: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                           for k, v in selection.items()}
    try:  # a part checks its own values (e.g. samples > 1 needs temperature > 0)
        return AuditConfig(selection=SelectionPolicy(**sel), **top)
    except UsageError as exc:
        raise UsageError(f"{source}: {exc}") from None


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
    """Apply command-line values by flat option name; ``None`` means "not given"."""
    given = {k: v for k, v in given.items() if v is not None}
    flat = {k: v for k, v in given.items() if k in OPTION_PARTS}
    top = {k: v for k, v in given.items() if k not in OPTION_PARTS}
    parts = {part: replace(getattr(config, part), **values)
             for part, values in _by_part(flat).items()}
    return replace(config, **top, **parts)


def evaluation_parts(**given: Any) -> tuple[GenerationConfig, BackendOptions]:
    """The generation and backend parts from flat option names (``None``: the default), as
    ``auditor eval`` runs one model; the same mapping as the audit's."""
    wanted = {"generation", "backend_options"}
    unknown = sorted(k for k in given if OPTION_PARTS.get(k) not in wanted)
    if unknown:
        raise TypeError(f"not a generation or backend option: {unknown[0]!r}")
    config = with_overrides(AuditConfig(), **given)
    return config.generation, config.backend_options
