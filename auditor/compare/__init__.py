"""Compare a family from the results store: one pair (``auditor compare``) or every derivative.

>>> with Store("audit.db", readonly=True) as store:          # doctest: +SKIP
...     report = compare_models(store, parent_key, child_key)
...     report.verdict, report.unsafe.paired.tango_ci
...     family = compare_family(store, graph, ComparisonPolicy(alpha=0.05, margin=0.03))
...     family.verdicts, family.flagged("degraded")

:func:`compare_family` compares each derivative with its parent and the root by the same code
as :func:`compare_models` and corrects across the family (Holm); the audit, ``auditor
report`` and the report view read its :class:`FamilyComparison`. All statistics come from
:mod:`auditor.stats`; the store is read by one reader (:mod:`auditor.compare._collect`).

Beyond single-turn refusal (issue 14), each compared model carries its condition effects
(TI-S, iatrogenic flags Holm across the family), erosion curve and blind-refusal breakdown,
and each pair the difference-in-differences per condition.
"""

from auditor.compare._actions import (
    ActionLayer,
    EdgeAction,
    FamilyActions,
    family_actions,
    partial_action_rows,
)
from auditor.compare._blind_refusal import BlindRefusal, EngagedAnswer
from auditor.compare._collect import (
    DEFAULT_FRAMING,
    ConditionedRow,
    ModelData,
    ModelObservations,
    Observation,
    StoredRow,
    load_observations,
    pick_judge,
    read_family,
)
from auditor.compare._compare import compare_models, compare_observations
from auditor.compare._conditions import ConditionResult, EdgeCondition
from auditor.compare._erosion import ModelErosion, erosion_for, erosion_pair
from auditor.compare._family import Family, FamilyNode, Member
from auditor.compare._family_compare import compare_family, family_adjust
from auditor.compare._family_records import (
    FAMILY_SCHEMA_VERSION,
    AdjustedTest,
    ComparedModel,
    ComparisonPolicy,
    FamilyComparison,
    FamilyPair,
    ModelRates,
    NotCompared,
    TraceFigures,
)
from auditor.compare._family_stats import unsafe
from auditor.compare._records import (
    COMPARE_SCHEMA_VERSION,
    AwarenessResult,
    ComparisonReport,
    OutcomeResult,
    ShiftResult,
    TraceResult,
)

__all__ = [
    "COMPARE_SCHEMA_VERSION",
    "DEFAULT_FRAMING",
    "FAMILY_SCHEMA_VERSION",
    "ActionLayer",
    "AdjustedTest",
    "AwarenessResult",
    "BlindRefusal",
    "ComparedModel",
    "ComparisonPolicy",
    "ComparisonReport",
    "ConditionResult",
    "ConditionedRow",
    "EdgeAction",
    "EdgeCondition",
    "EngagedAnswer",
    "Family",
    "FamilyActions",
    "FamilyComparison",
    "FamilyNode",
    "FamilyPair",
    "Member",
    "ModelErosion",
    "ModelData",
    "ModelObservations",
    "ModelRates",
    "NotCompared",
    "Observation",
    "OutcomeResult",
    "ShiftResult",
    "StoredRow",
    "TraceFigures",
    "TraceResult",
    "compare_family",
    "compare_models",
    "compare_observations",
    "erosion_for",
    "erosion_pair",
    "family_actions",
    "family_adjust",
    "load_observations",
    "partial_action_rows",
    "pick_judge",
    "read_family",
    "unsafe",
]
