"""The typed, strict schemas of the TOML files users give (``--config``, ``auditor scan``).

Why strict: these files are the boundary, and a lenient reader once took
``trust_remote_code = "false"`` (a non-empty string) for *true* and ran a model folder's
``auto_map`` Python; ``allow_pickle = "false"`` skipped the pickle refusal the same way. Here a
boolean option takes only ``true`` or ``false``, a number only a number (bounded, finite), a
string only a string (no NUL), and an unknown key is an error rather than ignored. Every
field is optional: ``None`` means "not in the file", so the defaults stay those of
:class:`~auditor.audit.AuditConfig` and a scan's ``[defaults]`` can be merged under each
family. Option names may use ``-`` for ``_`` (``max-new-tokens``), as before.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

MAX_INT = 2**31 - 1  # counts past this are mistakes, and some reach C code or SQLite


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


Text = Annotated[str, AfterValidator(_no_nul)]
TextList = Annotated[list[Text], BeforeValidator(_one_or_many)]
Count = Annotated[int, Field(ge=1, le=MAX_INT)]
NonNegative = Annotated[int, Field(ge=0, le=MAX_INT)]
Fraction = Annotated[float, Field(gt=0, lt=1)]
Relation = Literal["finetune", "quantized", "adapter", "merge", "distillation", "reupload"]


class _Table(BaseModel):
    """A TOML table: strict types, no unknown keys, ``-`` accepted for ``_`` in keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _underscores(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        renamed: dict[Any, Any] = {}
        for key, value in data.items():
            name = key.replace("-", "_") if isinstance(key, str) else key
            name = name if name in cls.model_fields else key
            if name in renamed:
                raise ValueError(f"{name!r} is given twice (as {key!r} too)")
            renamed[name] = value
        return renamed


class SelectionOptions(_Table):
    """``[audit.selection]``; see :class:`~auditor.audit.SelectionPolicy`."""

    relations: Annotated[list[Relation], BeforeValidator(_one_or_many)] | None = None
    min_downloads: NonNegative | None = None
    top_n_per_relation: NonNegative | None = None
    include: TextList | None = None
    exclude: TextList | None = None
    quant_types: TextList | None = None
    all_quants: bool | None = None


SELECTION_FIELDS = frozenset(SelectionOptions.model_fields)


class AuditOptions(SelectionOptions):
    """The ``[audit]`` table (or a scan's ``[defaults]``); see :class:`AuditConfig`.

    The names are the flat option names of :data:`~auditor.audit._config.OPTION_PARTS`
    (generation and backend options land in their parts; a test keeps the two sets equal).

    The selection options, inherited, may also sit at the top level, as before (the
    ``[selection]`` table is the tidy place); giving one both there and in ``[selection]`` is
    an error.
    """

    root: Text | None = None
    lineage: Text | None = None
    local: TextList | None = None
    suites: TextList | None = None
    store: Text | None = None
    out: Text | None = None
    depth: NonNegative | None = None
    max_nodes: Count | None = None
    refresh: bool | None = None
    verify_lineage: bool | None = None
    signing_key: Text | None = None
    selection: SelectionOptions | None = None
    overrides: dict[Text, Text] | None = None
    limit: Count | None = None
    suite_limits: dict[Text, Count] | None = None
    conditions: TextList | None = None
    condition_suites: TextList | None = None
    quantize: TextList | None = None
    max_new_tokens: Count | None = None
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] | None = None
    samples: Count | None = None
    temperature: Annotated[float, Field(ge=0, le=100)] | None = None
    top_p: Annotated[float, Field(gt=0, le=1)] | None = None
    enable_thinking: bool | None = None
    backend: Text | None = None
    device: Text | None = None
    dtype: Text | None = None
    chat_template: Text | None = None
    threads: Count | None = None
    n_gpu_layers: Annotated[int, Field(ge=-1, le=MAX_INT)] | None = None
    n_ctx: Count | None = None
    batch_size: Count | None = None
    concurrency: Count | None = None
    gpu_memory_utilization: Annotated[float, Field(gt=0, le=1)] | None = None
    tensor_parallel: Count | None = None
    request_timeout: Annotated[float, Field(ge=1, le=1e6)] | None = None
    in_process: bool | None = None
    trust_remote_code: bool | None = None
    allow_pickle: bool | None = None
    memory_limit_gb: Annotated[float, Field(gt=0, le=1e9)] | None = None
    executor: Literal["local", "ray"] | None = None
    ray_address: Text | None = None
    judge: Text | None = None
    rubric: Text | None = None
    judge_agreement: TextList | None = None
    margin: Fraction | None = None
    alpha: Fraction | None = None
    early_stop: bool | None = None
    fail_on: Literal["degraded", "inconclusive"] | None = None

    @model_validator(mode="after")
    def _selection_once(self) -> AuditOptions:
        if self.selection is not None:
            top = {k for k in SELECTION_FIELDS if getattr(self, k) is not None}
            both = sorted(top & self.selection.model_fields_set)
            if both:
                raise ValueError(f"{both[0]!r} is given both at the top level and in [selection]")
        return self

    def audit_values(self) -> dict[str, Any]:
        """The options given, other than selection ones."""
        skip = SELECTION_FIELDS | {"selection", "name"}
        return {k: v for k, v in self.model_dump(exclude_none=True).items() if k not in skip}

    def selection_values(self) -> dict[str, Any]:
        """The selection options given, from the top level and ``[selection]`` together."""
        given = self.model_dump(include=set(SELECTION_FIELDS), exclude_none=True)
        if self.selection is not None:
            given.update(self.selection.model_dump(exclude_none=True))
        return given


class FamilyOptions(AuditOptions):
    """One ``[[family]]`` of a scan: a name (default: its root) and any audit option."""

    name: Text | None = None


class ScanOptions(_Table):
    """The ``[scan]`` table."""

    out: Text | None = None
    store: Text | None = None


class ScanFile(_Table):
    """A whole scan file."""

    scan: ScanOptions = ScanOptions()
    defaults: AuditOptions = AuditOptions()
    family: list[FamilyOptions] = []


AUDIT_OPTION_NAMES = tuple(sorted(set(AuditOptions.model_fields) | {"name", "out", "store"}))
