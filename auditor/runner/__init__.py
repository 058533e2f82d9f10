"""The runner: evaluate one model on a list of items into the store, resumably."""

from auditor.runner._run import ProgressCallback, RunProgress, RunSummary, run_eval, units_for
from auditor.runner._work import WorkUnit, expand

__all__ = [
    "ProgressCallback",
    "RunProgress",
    "RunSummary",
    "WorkUnit",
    "expand",
    "run_eval",
    "units_for",
]
