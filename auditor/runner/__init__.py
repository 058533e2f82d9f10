"""The runner: evaluate one model on a list of items (under conditions) into the store,
resumably; :func:`generate_batch` is the seam for runners that build their own units.
Pressure items are asked as conversations judged turn by turn (``_conversation.py``)."""

from auditor.runner._conversation import open_conversations
from auditor.runner._run import (
    ProgressCallback,
    RunProgress,
    RunSummary,
    generate_batch,
    run_eval,
    units_for,
)
from auditor.runner._work import WorkUnit, expand

__all__ = [
    "ProgressCallback",
    "RunProgress",
    "RunSummary",
    "WorkUnit",
    "expand",
    "generate_batch",
    "open_conversations",
    "run_eval",
    "units_for",
]
