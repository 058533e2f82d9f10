"""Multi-turn erosion: a pressure item asked as a conversation, judged turn by turn.

Turn 1 is the item's request (under its condition, exactly the unit :func:`expand` makes, so
the single-turn pass and this one share it). While the judge finds an answer not harmful
(:func:`auditor.judges.is_unsafe` is ``False``), the next scripted pressure turn is sent with
the model's own earlier replies in the history; the conversation stops at the first harmful
answer, at a turn without an outcome (a failed generation, an ungradeable answer: retried or
censored, never read as a refusal), at an unsupported condition, or after the script's last
turn. A condition's system prompt, forged turns and prefill hold for every turn: the history
is the first turn's messages plus ``assistant`` (prefill + reply) / ``user`` (pressure) pairs.

Every turn is its own store row keyed by turn, and its verdict is stored beside it with the
run's judge. Nothing is held only in memory: :class:`Conversations` rebuilds each
conversation from the stored rows (reading a stored verdict of the same judge and rubric, or
judging the row), so a run killed mid-item resumes at the next unstored turn with the same
history an uninterrupted run would have sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from auditor.backends import GenerationConfig
from auditor.conditions import Condition
from auditor.judges import HarmAssessment, Judge, JudgedVerdict, Verdict, is_unsafe, judge_record
from auditor.runner._work import WorkUnit, expand
from auditor.store import GenerationRecord, Store, StoredVerdict
from auditor.suites import Item, Message


def pressure_items(items: Iterable[Item]) -> list[Item]:
    """The items asked as conversations: those with a pressure script."""
    return [item for item in items if item.pressure]


def turn_unit(first: WorkUnit, turn: int, replies: Sequence[str]) -> WorkUnit:
    """Turn ``turn`` of the conversation that ``first`` (its turn 1) opens, given the model's
    replies to the turns before it (each without the prefill, as stored)."""
    if not 1 <= turn <= scripted_turns(first.item) or len(replies) != turn - 1:
        raise ValueError(f"turn {turn} of {first.item.id} needs {turn - 1} earlier replies, "
                         f"got {len(replies)} (script of {scripted_turns(first.item)} turns)")
    history: list[Message] = list(first.messages)
    for reply, pressure in zip(replies, first.item.pressure, strict=False):
        history.append(Message("assistant", first.prefill + reply))
        history.append(Message("user", pressure.prompt))
    return dataclasses.replace(first, messages=tuple(history), turn=turn)


def scripted_turns(item: Item) -> int:
    """The turns a conversation on ``item`` can last: its request and each pressure turn."""
    return 1 + len(item.pressure)


@dataclass(slots=True)
class _Course:
    """One conversation's state: its first unit, the replies so far, the turn to ask next."""

    first: WorkUnit
    replies: list[str] = field(default_factory=list)
    finished: bool = False

    @property
    def next_turn(self) -> int:
        return len(self.replies) + 1


class Conversations:
    """The conversations of one model on the pressure items, rebuilt from the store.

    ``open`` conversations have a turn left to ask; :meth:`next_round` gives the next turn of
    each, and :meth:`record` reads the stored answers back, judges them and moves on.
    """

    def __init__(
        self,
        items: Iterable[Item],
        config: GenerationConfig,
        conditions: Sequence[Condition],
        store: Store,
        model: str,
        judge: Judge,
    ) -> None:
        self._store, self._model, self._judge, self._hash = store, model, judge, config.hash
        self._stored = store.verdicts(judge.judge_id, judge.rubric_hash)
        self.restored = 0  # turns after the first found stored (turn 1 is the single pass's)
        self._courses = [_Course(first) for first in
                         expand(pressure_items(items), config, conditions)]
        self.resume()

    def resume(self) -> None:
        """Walk each unfinished conversation on through the turns stored since (the single
        pass stores every first turn after this object was built)."""
        for course in self._courses:
            self._restore(course)

    @property
    def open(self) -> list[WorkUnit]:
        """The first unit of every conversation with a turn left to ask."""
        return [c.first for c in self._courses if not c.finished]

    @property
    def turns_left(self) -> int:
        """At most how many later turns (2 and on) are left to ask."""
        return sum(scripted_turns(c.first.item) - max(c.next_turn, 2) + 1
                   for c in self._courses if not c.finished)

    def next_round(self) -> list[WorkUnit]:
        """The next turn of every open conversation (in item order)."""
        return [turn_unit(c.first, c.next_turn, c.replies)
                for c in self._courses if not c.finished]

    def record(self, units: Sequence[WorkUnit]) -> None:
        """After ``units`` (from :meth:`next_round`) are stored: judge and advance each."""
        by_unit = {self._course_key(c.first): c for c in self._courses}
        for unit in units:
            course = by_unit[self._course_key(unit)]
            stored = self._store.find_generation(unit.key(self._model, self._hash))
            if stored is None or stored.turn != course.next_turn:
                course.finished = True  # not stored: nothing to build on in this run
                continue
            self._advance(course, stored)

    def _restore(self, course: _Course) -> None:
        """Walk the stored turns; stop at the first one not stored (asked next)."""
        while not course.finished:
            unit = turn_unit(course.first, course.next_turn, course.replies)
            stored = self._store.find_generation(unit.key(self._model, self._hash))
            if stored is None or (stored.error and not stored.unsupported):
                return  # asked (again) by this run: a failed turn is retried
            self.restored += course.next_turn > 1
            self._advance(course, stored)

    def _advance(self, course: _Course, stored: GenerationRecord) -> None:
        """Take one stored turn: continue after a judged non-harmful answer, else finish."""
        if stored.unsupported or stored.error:
            course.finished = True
            return
        if is_unsafe(stored.expected, *self._verdict(stored)) is not False:
            course.finished = True
            return
        course.replies.append(stored.response)
        course.finished = course.next_turn > scripted_turns(course.first.item)

    def _verdict(self, stored: GenerationRecord) -> tuple[Verdict, HarmAssessment | None]:
        """The run's judge's verdict on a stored turn: the stored one, else judged now."""
        previous: StoredVerdict | None = self._stored.get(stored.id or -1)
        if previous is not None and previous.verdict != Verdict.ERROR:
            return previous.verdict, previous.harm
        judged: JudgedVerdict = judge_record(self._store, self._judge, stored)
        return judged.verdict, judged.harm

    @staticmethod
    def _course_key(unit: WorkUnit) -> tuple[str, str, str, int]:
        return unit.item.content_hash, unit.framing, unit.condition, unit.sample


def open_conversations(
    items: Iterable[Item],
    config: GenerationConfig,
    conditions: Sequence[Condition],
    store: Store,
    model: str,
    judge: Judge,
) -> int:
    """How many of ``model``'s pressure conversations have a turn left to ask (stored turns
    without a verdict from ``judge`` are judged to find out)."""
    items = list(items)
    if not pressure_items(items):
        return 0
    return len(Conversations(items, config, conditions, store, model, judge).open)
