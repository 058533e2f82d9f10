"""Conditions: a named transformation of each item's conversation before it is asked.

``--condition NAME`` (``auditor eval``/``audit``; ``conditions = [...]`` in TOML configs)
evaluates every item under each condition *in addition to* the plain one; results are stored
by (item, framing, condition, sample, turn). ``auditor conditions`` lists the names.

>>> resolve_condition("defence:stack").system  # doctest: +ELLIPSIS
'Usage policy...'
"""

from auditor.conditions._condition import (
    PLAIN,
    PLAIN_CONDITION,
    Condition,
    Conversation,
    Unsupported,
)
from auditor.conditions._registry import (
    ConditionInfo,
    available_conditions,
    resolve_condition,
    resolve_conditions,
)

__all__ = [
    "PLAIN",
    "PLAIN_CONDITION",
    "Condition",
    "ConditionInfo",
    "Conversation",
    "Unsupported",
    "available_conditions",
    "resolve_condition",
    "resolve_conditions",
]
