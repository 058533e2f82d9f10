"""Compare one parent and one derivative from the results store (``auditor compare``).

>>> with Store("audit.db", readonly=True) as store:          # doctest: +SKIP
...     report = compare_models(store, parent_key, child_key)
...     report.verdict, report.unsafe.paired.tango_ci

Reports and the audit reuse :func:`compare_models` so that every surface shows the same
numbers; all statistics come from :mod:`auditor.stats`.
"""

from auditor.compare._collect import (
    ModelObservations,
    Observation,
    load_observations,
    pick_judge,
)
from auditor.compare._compare import compare_models
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
    "AwarenessResult",
    "ComparisonReport",
    "ModelObservations",
    "Observation",
    "OutcomeResult",
    "ShiftResult",
    "TraceResult",
    "compare_models",
    "load_observations",
    "pick_judge",
]
