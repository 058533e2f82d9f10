"""Regular expressions from suite files, compiled only when they cannot backtrack badly.

Python's ``re`` has no timeout, so a pattern like ``(a+)+$`` on a long model answer could
stall an audit for hours. Patterns are therefore checked at suite load: at most
:data:`MAX_PATTERN` characters, no back-references, and no quantified group that itself holds
a quantifier or an alternation (the shapes behind catastrophic backtracking; an optional
group, ``(...)?``, is fine). Subjects are cut
to :data:`MAX_SUBJECT` characters before matching, bounding even polynomial cases.
"""

from __future__ import annotations

import re

MAX_PATTERN = 200
MAX_SUBJECT = 4096
_REPEATS = "*+{"  # "?" is not a repetition: an optional group cannot blow up


def compile_safe(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern, IGNORECASE)`` after the checks above; ``ValueError`` names the
    problem."""
    if not pattern:
        raise ValueError("regex is empty")
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"regex is {len(pattern)} characters long (at most {MAX_PATTERN})")
    if re.search(r"\\[1-9]|\(\?P=", pattern):
        raise ValueError("regex uses a back-reference (not allowed: it can backtrack badly)")
    _check_nesting(pattern)
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"regex does not compile: {exc}") from None


def _check_nesting(pattern: str) -> None:
    """Reject a quantified group that holds a quantifier or ``|`` (e.g. ``(a+)+``,
    ``(a|aa)*``)."""
    stack: list[bool] = []  # per open group: does it hold a quantifier or alternation?
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]":
                i += 1  # "[]...]": the first ] is literal
        elif char == "(":
            stack.append(False)
        elif char == ")" and stack:
            risky = stack.pop()
            following = pattern[i + 1:i + 2]
            if risky and following and following in _REPEATS:
                raise ValueError("regex repeats a group that itself repeats or alternates "
                                 "(catastrophic backtracking); simplify it")
            if risky and stack:
                stack[-1] = True
        elif (char in "*+{|" or (char == "?" and pattern[i - 1:i] != "(")) and stack:
            stack[-1] = True
        i += 1


def search(pattern: re.Pattern[str], subject: str) -> bool:
    """``pattern.search`` on at most :data:`MAX_SUBJECT` characters of ``subject``."""
    return pattern.search(subject[:MAX_SUBJECT]) is not None
