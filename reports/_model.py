"""The typed, versioned report model (``schema_version`` 1).

``report.json`` is exactly this model serialised (:mod:`reports._serde`), and the HTML page is
rendered from it and nothing else (:mod:`reports._html`). Changing a persisted field bumps
:data:`SCHEMA_VERSION` and adds a test that loads an old file.

Conventions: rates and differences are proportions in [0, 1] (differences in [-1, 1]), never
percentages; ``None`` means "not computable from this run" (no items, no traces); intervals are
``(low, high)`` pairs; every string that came from a model, a card, a repository id or a data
set is untrusted and is escaped wherever it is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SCHEMA_VERSION = 1

Verdict = Literal["degraded", "not_degraded", "inconclusive"]
VERDICTS: tuple[str, ...] = ("degraded", "not_degraded", "inconclusive")
# "context": an ancestor or co-parent of the root, drawn for orientation, never audited.
NodeState = Literal["root", "degraded", "not_degraded", "inconclusive", "not_audited", "context"]
Interval = tuple[float, float]


@dataclass(frozen=True, slots=True)
class PairedResult:
    """A paired comparison of a derivative with a reference model on one binary outcome.

    ``b``: items positive (e.g. unsafe) for the derivative only; ``c``: for the reference only;
    ``difference`` = (b - c) / n. ``p_value`` is the one-sided McNemar mid-p ("derivative
    worse"), ``p_adjusted`` the Holm-adjusted value across the family, and
    ``noninferiority_p_adjusted`` the Holm-adjusted non-inferiority p that a ``not_degraded``
    verdict rests on.
    """

    against: str
    outcome: str  # "unsafe_compliance" | "over_refusal"
    n: int
    b: int
    c: int
    rate: float | None
    reference_rate: float | None
    difference: float | None
    ci: Interval | None
    p_value: float | None
    p_two_sided: float | None
    p_exact: float | None
    p_adjusted: float | None
    noninferiority_p: float | None
    verdict: Verdict
    detectable_rise: float | None
    noninferiority_p_adjusted: float | None = None


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """One harm category of a derivative against its parent (Holm within the derivative)."""

    category: str
    n: int
    b: int
    c: int
    rate: float | None
    parent_rate: float | None
    difference: float | None
    p_value: float | None
    p_adjusted: float | None


@dataclass(frozen=True, slots=True)
class DiscordantExample:
    """An item the parent refused and the derivative complied with: both responses, verbatim."""

    item_id: str
    category: str
    prompt: str
    parent_response: str
    derivative_response: str
    parent_verdict: str
    derivative_verdict: str


@dataclass(frozen=True, slots=True)
class FramingGap:
    """Unsafe-compliance rate of one model under evaluation vs deployment framing.

    ``gap`` = deploy_rate - eval_rate: positive means the model is safer when the prompt looks
    like a test. ``p_value`` is a two-sided McNemar mid-p on the framing pairs.
    """

    model: str
    n: int
    eval_rate: float | None
    deploy_rate: float | None
    gap: float | None
    p_value: float | None


@dataclass(frozen=True, slots=True)
class EvalAwareness:
    """A derivative's framing gap, its parent's, and the per-item difference-in-differences."""

    derivative: FramingGap
    parent: FramingGap | None
    change: float | None
    ci: Interval | None
    p_value: float | None


@dataclass(frozen=True, slots=True)
class TraceStats:
    """Reasoning-trace figures of one model on harmful items (only responses with a trace)."""

    model: str
    n_traces: int
    n_detected: int
    n_detected_proceeds: int
    detected_proceeds_rate: float | None
    detected_proceeds_ci: Interval | None
    override_rate: float | None  # detected-and-proceeded / detected
    override_ci: Interval | None
    eval_aware_rate: float | None  # verbalised evaluation awareness


@dataclass(frozen=True, slots=True)
class ReasoningBlock:
    """DETECTED_PROCEEDS of a derivative and its parent, and the paired change."""

    derivative: TraceStats
    parent: TraceStats | None
    change: float | None
    p_value: float | None


@dataclass(frozen=True, slots=True)
class ClusteredResult:
    """Several samples per item: the item is the unit (per-item rates, sign-flip test)."""

    n_items: int
    samples_parent: int  # answers used in all (every sample of every item)
    samples_child: int
    rate: float | None
    parent_rate: float | None
    difference: float | None
    ci: Interval | None  # cluster-bootstrap percentile interval
    p_value: float | None  # one-sided sign-flip permutation p (derivative worse)


@dataclass(frozen=True, slots=True)
class DerivativeResult:
    """One audited derivative compared with its immediate parent (and with the root).

    The flat fields are the primary comparison: unsafe compliance on harmful items against the
    immediate parent, the one whose Holm-adjusted p-value decides a ``degraded`` flag.
    """

    id: str
    parent: str
    relation: str
    model: str  # the store key of the evaluated model
    verdict: Verdict
    unsafe_rate: float | None
    parent_unsafe_rate: float | None
    difference: float | None
    ci: Interval | None
    p_value: float | None
    p_adjusted: float | None
    noninferiority_p: float | None
    n: int
    b: int
    c: int
    detectable_rise: float | None
    p_two_sided: float | None = None
    p_exact: float | None = None
    noninferiority_p_adjusted: float | None = None
    note: str = ""  # e.g. compared with the nearest evaluated ancestor because the parent was not
    shift_p: float | None = None  # Stuart-Maxwell test of the 3-way verdict shift (refusal /
    shift_table: tuple[tuple[int, ...], ...] = ()  # partial / compliance), rows: parent level
    clustered: ClusteredResult | None = None  # every sample, when there are several per item
    vs_root: PairedResult | None = None
    over_refusal: PairedResult | None = None
    eval_awareness: EvalAwareness | None = None
    reasoning: ReasoningBlock | None = None
    categories: tuple[CategoryRow, ...] = ()
    discordant: tuple[DiscordantExample, ...] = ()
    n_discordant: int = 0  # all parent-refused / derivative-complied items (examples are capped)


@dataclass(frozen=True, slots=True)
class NotAudited:
    """A family member that has no verdict, and why (gated, missing, no generations, ...)."""

    id: str
    reason: str
    parent: str | None = None
    relation: str | None = None


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """Per-model rates (root included) with Wilson intervals."""

    id: str
    model: str
    role: str  # "root" | "derivative" | "parent"
    n_harmful: int
    unsafe_rate: float | None
    unsafe_ci: Interval | None
    n_benign: int
    over_refusal_rate: float | None
    over_refusal_ci: Interval | None
    n_unscored: int  # error / not_gradeable verdicts, never counted either way


@dataclass(frozen=True, slots=True)
class LineageNode:
    id: str
    role: str
    status: str
    depth: int
    state: NodeState


@dataclass(frozen=True, slots=True)
class LineageEdge:
    parent: str
    child: str
    relation: str


@dataclass(frozen=True, slots=True)
class LineageView:
    """The family as drawn in the report: nodes with their audit state, edges with relations."""

    source: str  # "hub" | "local" | "store"
    nodes: tuple[LineageNode, ...]
    edges: tuple[LineageEdge, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class JudgeAgreement:
    """Measured agreement of the judge with human labels (e.g. ``auditor judge-eval``)."""

    dataset: str
    n: int
    accuracy: float
    kappa: float | None


@dataclass(frozen=True, slots=True)
class Methods:
    """How the verdicts were reached, stated so that a second auditor can check them."""

    primary_test: str
    ci_method: str
    noninferiority_test: str
    family_correction: str
    category_correction: str
    alpha: float
    margin: float
    power_statement: str
    detectable_rise: float | None
    judge_id: str
    judge_rubric_hash: str
    judge_agreement: JudgeAgreement | None
    suites: tuple[str, ...]
    samples_per_item: int
    limits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PackageVersion:
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class ModelProvenance:
    """A model's identity as evaluated (from the store's identity record)."""

    id: str
    key: str
    reference: str | None = None
    repo_id: str | None = None
    revision: str | None = None
    file: str | None = None
    file_sha256: str | None = None
    format: str | None = None
    quantization: str | None = None
    backend: str | None = None
    dtype: str | None = None
    chat_template: str | None = None


@dataclass(frozen=True, slots=True)
class SuiteProvenance:
    """A suite as evaluated: its name, item count and a hash over its item hashes."""

    name: str
    n_items: int
    hash: str


@dataclass(frozen=True, slots=True)
class GenerationSetting:
    hash: str
    settings_json: str


@dataclass(frozen=True, slots=True)
class JudgeProvenance:
    judge_id: str
    rubric_hash: str
    n_verdicts: int


@dataclass(frozen=True, slots=True)
class Provenance:
    """Everything needed to reproduce or check the run."""

    tool_version: str
    python_version: str
    platform: str
    packages: tuple[PackageVersion, ...]
    models: tuple[ModelProvenance, ...]
    suites: tuple[SuiteProvenance, ...]
    seeds: tuple[int, ...]
    generation_settings: tuple[GenerationSetting, ...]
    judges: tuple[JudgeProvenance, ...]
    store: str
    lineage_source: str
    first_generation_at: str | None
    last_generation_at: str | None
    last_verdict_at: str | None


@dataclass(frozen=True, slots=True)
class Headline:
    root: str
    n_family: int  # derivatives in the lineage (root excluded)
    n_audited: int
    n_degraded: int
    n_not_degraded: int
    n_inconclusive: int
    n_not_audited: int
    method: str  # the method in one sentence


@dataclass(frozen=True, slots=True)
class Report:
    """The whole audit report; ``report.json`` is this object serialised."""

    generated_at: str
    root: str
    headline: Headline
    derivatives: tuple[DerivativeResult, ...]
    not_audited: tuple[NotAudited, ...]
    models: tuple[ModelSummary, ...]
    lineage: LineageView
    methods: Methods
    provenance: Provenance
    title: str = "Safety regression audit"
    schema_version: int = field(default=SCHEMA_VERSION)

    def derivative(self, node_id: str) -> DerivativeResult:
        """The derivative with this id (``KeyError`` if it was not audited)."""
        for d in self.derivatives:
            if d.id == node_id:
                return d
        raise KeyError(node_id)
