"""The typed, versioned report model (``schema_version`` 2; version 1 files still load).

Version 2: "unsafe" counts harmful content on harmful items (the judge's harm dimension), each
derivative adds ``outcomes.harmful`` and ``outcomes.refusal``, model summaries add the refusal
rate, and the methods add the judge's agreement per dimension and what "unsafe" means.

Suite hashes (``provenance.suites[].hash``, same field and format): since issue 12 they are
:func:`auditor.suites.suite_hash` over the items used (sha256 over ``id``, NUL, content hash,
newline per item, in id order), the hash ``auditor suites show`` prints. Reports written
before hashed the sorted content hashes alone, so their suite hashes match no suite listing;
an old file still loads, with its old hash.

``report.json`` is exactly this model serialised (:mod:`reports._serde`), and the HTML page is
rendered from it and nothing else (:mod:`reports._html`). Changing a persisted field bumps
:data:`SCHEMA_VERSION` and adds a test that loads an old file.

Conventions: rates and differences are proportions in [0, 1] (differences in [-1, 1]), never
percentages; ``None`` means "not computable from this run" (no items, no traces); intervals are
``(low, high)`` pairs; every string that came from a model, a card, a repository id or a data
set is untrusted and is escaped wherever it is rendered.

The numeric types that carry those ranges are in :mod:`reports._bounds`; the provenance
records in :mod:`reports._provenance_model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from reports._action_model import ActionLayer
from reports._beyond import (
    BlindRefusal,
    ConditionChange,
    ConditionSummary,
    ErosionChange,
    ErosionSummary,
)
from reports._bounds import (
    Count,
    Difference,
    DifferenceInterval,
    DiffInDiff,
    Int64,
    Proportion,
    RateInterval,
)
from reports._provenance_model import Provenance

SCHEMA_VERSION = 2

Verdict = Literal["degraded", "not_degraded", "inconclusive"]
VERDICTS: tuple[str, ...] = ("degraded", "not_degraded", "inconclusive")
# "context": an ancestor or co-parent of the root, drawn for orientation, never audited.
NodeState = Literal["root", "degraded", "not_degraded", "inconclusive", "not_audited", "context"]


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
    n: Count
    b: Count
    c: Count
    rate: Proportion | None
    reference_rate: Proportion | None
    difference: Difference | None
    ci: DifferenceInterval | None
    p_value: Proportion | None
    p_two_sided: Proportion | None
    p_exact: Proportion | None
    p_adjusted: Proportion | None
    noninferiority_p: Proportion | None
    verdict: Verdict
    detectable_rise: Proportion | None
    noninferiority_p_adjusted: Proportion | None = None


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """One harm category of a derivative against its parent (Holm within the derivative)."""

    category: str
    n: Count
    b: Count
    c: Count
    rate: Proportion | None
    parent_rate: Proportion | None
    difference: Difference | None
    p_value: Proportion | None
    p_adjusted: Proportion | None


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
    n: Count
    eval_rate: Proportion | None
    deploy_rate: Proportion | None
    gap: Difference | None
    p_value: Proportion | None


@dataclass(frozen=True, slots=True)
class EvalAwareness:
    """A derivative's framing gap, its parent's, and the per-item difference-in-differences."""

    derivative: FramingGap
    parent: FramingGap | None
    change: DiffInDiff | None
    ci: tuple[DiffInDiff, DiffInDiff] | None
    p_value: Proportion | None


@dataclass(frozen=True, slots=True)
class TraceStats:
    """Reasoning-trace figures of one model on harmful items (only responses with a trace)."""

    model: str
    n_traces: Count
    n_detected: Count
    n_detected_proceeds: Count
    detected_proceeds_rate: Proportion | None
    detected_proceeds_ci: RateInterval | None
    override_rate: Proportion | None  # detected-and-proceeded / detected
    override_ci: RateInterval | None
    eval_aware_rate: Proportion | None  # verbalised evaluation awareness


@dataclass(frozen=True, slots=True)
class ReasoningBlock:
    """DETECTED_PROCEEDS of a derivative and its parent, and the paired change."""

    derivative: TraceStats
    parent: TraceStats | None
    change: Difference | None
    p_value: Proportion | None


@dataclass(frozen=True, slots=True)
class ClusteredResult:
    """Several samples per item: the item is the unit (per-item rates, sign-flip test)."""

    n_items: Count
    samples_parent: Count  # answers used in all (every sample of every item)
    samples_child: Count
    rate: Proportion | None
    parent_rate: Proportion | None
    difference: Difference | None
    ci: DifferenceInterval | None  # cluster-bootstrap percentile interval
    p_value: Proportion | None  # one-sided sign-flip permutation p (derivative worse)


@dataclass(frozen=True, slots=True)
class OutcomeBlock:
    """One outcome of a derivative against its parent, Holm-adjusted across the family.

    ``harmful``: the rate of harmful content on harmful items; ``degraded`` means it rose.
    ``refusal``: the refusal rate on harmful items; ``degraded`` means it fell (the paired test
    counts "did not refuse", so ``b`` / ``c`` are items only the derivative / only the parent
    did not refuse). ``difference`` = derivative rate - parent rate of the outcome itself.
    ``basis`` says what decided it: ``harm`` (the judge's harm dimension), ``stance`` (a judge
    without one: compliance or partial stood in for harmful), or ``mixed``.
    """

    parent_rate: Proportion | None
    derivative_rate: Proportion | None
    difference: Difference | None
    p_holm: Proportion | None
    verdict: Verdict
    n: Count = 0
    b: Count = 0
    c: Count = 0
    p_value: Proportion | None = None  # one-sided McNemar mid-p before Holm
    basis: str = ""


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The two outcomes on harmful items: harmful content (the verdict) and refusal; and,
    when agentic items ran, the harmful-action rate (basis ``action``: did a tool call meet the
    item's ``harmful_action``), tested and Holm-adjusted the same way."""

    harmful: OutcomeBlock | None
    refusal: OutcomeBlock | None
    harmful_action: OutcomeBlock | None = None


@dataclass(frozen=True, slots=True)
class DerivativeResult:
    """One audited derivative compared with its immediate parent (and with the root).

    The flat fields are the primary comparison: unsafe (harmful content on harmful items, the
    judge's harm dimension) against the immediate parent, the one whose Holm-adjusted p-value
    decides a ``degraded`` flag; they equal ``outcomes.harmful``. ``outcomes.refusal`` shows
    the refusal rate beside it, tested and Holm-adjusted the same way.
    """

    id: str
    parent: str
    relation: str
    model: str  # the store key of the evaluated model
    verdict: Verdict
    unsafe_rate: Proportion | None
    parent_unsafe_rate: Proportion | None
    difference: Difference | None
    ci: DifferenceInterval | None
    p_value: Proportion | None
    p_adjusted: Proportion | None
    noninferiority_p: Proportion | None
    n: Count
    b: Count
    c: Count
    detectable_rise: Proportion | None
    p_two_sided: Proportion | None = None
    p_exact: Proportion | None = None
    noninferiority_p_adjusted: Proportion | None = None
    note: str = ""  # e.g. compared with the nearest evaluated ancestor because the parent was not
    shift_p: Proportion | None = None  # Stuart-Maxwell test of the 3-way verdict shift (refusal /
    shift_table: tuple[tuple[Count, ...], ...] = ()  # partial / compliance), rows: parent level
    clustered: ClusteredResult | None = None  # every sample, when there are several per item
    vs_root: PairedResult | None = None
    over_refusal: PairedResult | None = None
    eval_awareness: EvalAwareness | None = None
    reasoning: ReasoningBlock | None = None
    categories: tuple[CategoryRow, ...] = ()
    discordant: tuple[DiscordantExample, ...] = ()
    n_discordant: Count = 0  # all parent-refused / derivative-complied items (examples are capped)
    outcomes: Outcomes | None = None  # None only in version 1 files
    conditions: tuple[ConditionChange, ...] = ()  # issue 14: response to each condition vs parent
    erosion: ErosionChange | None = None  # issue 14: refused through every turn vs parent


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
    n_harmful: Count
    unsafe_rate: Proportion | None
    unsafe_ci: RateInterval | None
    n_benign: Count
    over_refusal_rate: Proportion | None
    over_refusal_ci: RateInterval | None
    n_unscored: Count  # error / not_gradeable verdicts, never counted either way
    refusal_rate: Proportion | None = None  # on harmful items (stance), beside unsafe
    refusal_ci: RateInterval | None = None
    action_layer: ActionLayer | None = None  # when agentic items ran
    # issue 14 (reports/_beyond.py): each condition against plain, erosion, blind refusal
    conditions: tuple[ConditionSummary, ...] = ()
    erosion: ErosionSummary | None = None
    blind_refusal: BlindRefusal | None = None


@dataclass(frozen=True, slots=True)
class LineageNode:
    id: str
    role: str
    status: str
    depth: Int64
    state: NodeState


@dataclass(frozen=True, slots=True)
class EdgeVerification:
    """The weights' verdict on a claimed edge (``auditor verify --json``'s object), present
    when the audit ran with ``--verify-lineage``."""

    verdict: Literal["confirmed", "consistent", "contradicted", "unverifiable"]
    relation_guess: str | None
    evidence: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LineageEdge:
    parent: str
    child: str
    relation: str
    verification: EdgeVerification | None = None  # optional: older reports have none


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
    n: Count
    accuracy: Proportion
    kappa: Difference | None
    dimension: Literal["stance", "harm"] = "stance"
    unclear: Proportion | None = None  # harm: the share of rows the judge left unclear


@dataclass(frozen=True, slots=True)
class Methods:
    """How the verdicts were reached, stated so that a second auditor can check them."""

    primary_test: str
    ci_method: str
    noninferiority_test: str
    family_correction: str
    category_correction: str
    alpha: Proportion
    margin: Proportion
    power_statement: str
    detectable_rise: Proportion | None
    judge_id: str
    judge_rubric_hash: str
    judge_agreement: JudgeAgreement | None
    suites: tuple[str, ...]
    samples_per_item: Count
    limits: tuple[str, ...] = ()
    judge_agreements: tuple[JudgeAgreement, ...] = ()  # one per dimension measured
    unsafe_definition: str = ""  # what "unsafe" counted in this report


@dataclass(frozen=True, slots=True)
class Headline:
    root: str
    n_family: Count  # derivatives in the lineage (root excluded)
    n_audited: Count
    n_degraded: Count
    n_not_degraded: Count
    n_inconclusive: Count
    n_not_audited: Count
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
