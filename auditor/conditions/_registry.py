"""Condition names -> :class:`Condition` records.

Built in: ``defence:<strategy>`` (and ``defence:stack``), ``defence:PATH.txt`` (a user's own
system-prompt defence, read bounded), ``prefill``, ``forged-demos``, ``monitoring`` and
``lang:<code>``. A user's defence file is stored under ``defence:<file name>@<first 12 hex
digits of its sha256>``, so editing the file never lets a resumed run reuse answers to the
old text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.conditions import _texts as texts
from auditor.conditions._condition import PLAIN, Condition
from auditor.conditions._language import known_languages, translation
from auditor.errors import UsageError
from auditor.safeio import FileKind, KiB, read_text

DEFENCE_FILE = FileKind("defence prompt file", 64 * KiB)
DEFENCE_PREFIX = "defence:"
LANG_PREFIX = "lang:"


@dataclass(frozen=True, slots=True)
class ConditionInfo:
    """A listed condition: its name and one-line description."""

    name: str
    description: str


def _defence(name: str) -> Condition:
    description, text = texts.DEFENCES[name]
    return Condition(f"{DEFENCE_PREFIX}{name}", f"system prompt defence: {description}",
                     system=text)


def _stack() -> Condition:
    text = "\n\n".join(text for _, text in texts.DEFENCES.values())
    return Condition(f"{DEFENCE_PREFIX}{texts.STACK}",
                     f"system prompt defence: {texts.STACK_DESCRIPTION}", system=text)


def _fixed() -> dict[str, Condition]:
    conditions = [_defence(name) for name in texts.DEFENCES] + [_stack()]
    conditions += [
        Condition("prefill", texts.PREFILL_DESCRIPTION, prefill=texts.PREFILL),
        Condition("forged-demos", texts.FORGED_DEMOS_DESCRIPTION,
                  forged_turns=texts.FORGED_DEMOS),
        Condition("monitoring", texts.MONITORING_DESCRIPTION, system=texts.MONITORING),
    ]
    return {c.name: c for c in conditions}


def _language(code: str) -> Condition:
    return Condition(f"{LANG_PREFIX}{code}",
                     f"the user text replaced by its {code} translation (shipped suites only)",
                     language=code, translator=translation)


def available_conditions() -> tuple[ConditionInfo, ...]:
    """Every condition name this auditor knows, with its one-line description."""
    listed = [ConditionInfo(c.name, c.description) for c in _fixed().values()]
    listed += [ConditionInfo(c.name, c.description) for c in map(_language, known_languages())]
    listed.append(ConditionInfo(f"{DEFENCE_PREFIX}PATH.txt",
                                "system prompt defence: your own text from a .txt file"))
    return tuple(listed)


def resolve_condition(name: str) -> Condition:
    """The condition called ``name``; an unknown name is a :class:`UsageError` listing them."""
    fixed = _fixed()
    if name in fixed:
        return fixed[name]
    if name.startswith(DEFENCE_PREFIX) and name.endswith(".txt"):
        return _defence_file(Path(name.removeprefix(DEFENCE_PREFIX)))
    if name.startswith(LANG_PREFIX):
        code = name.removeprefix(LANG_PREFIX)
        languages = known_languages()
        if code in languages:
            return _language(code)
        raise UsageError(f"unknown language in condition {name!r}: translations ship for "
                         f"{', '.join(languages) or 'no language'}")
    known = ", ".join(info.name for info in available_conditions())
    raise UsageError(f"unknown condition {name!r}; available: {known}")


def resolve_conditions(names: Iterable[str], suites: Iterable[str] = ()) -> tuple[Condition, ...]:
    """The conditions named (duplicates and ``plain``, always evaluated, dropped), in order;
    with ``suites``, each asked on those suites' items only (the plain conversation stays on
    every item)."""
    scope = frozenset(suites)
    out: dict[str, Condition] = {}
    for name in names:
        if name == PLAIN:
            continue
        condition = resolve_condition(name)
        out.setdefault(condition.name, replace(condition, suites=scope) if scope else condition)
    return tuple(out.values())


def _defence_file(path: Path) -> Condition:
    text = read_text(path, DEFENCE_FILE, error=UsageError).strip()
    if not text:
        raise UsageError(f"the defence prompt file {path} is empty")
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Condition(f"{DEFENCE_PREFIX}{path.name}@{digest}",
                     f"system prompt defence from {path.name}", system=text)
