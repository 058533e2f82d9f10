"""Blind refusal on the ``rule-defeat`` suite: refused / engaged but refused / helped per model.

The labels come from :class:`auditor.judges.EngagementJudge`, applied here to the model's
plain, first-turn answers to rule-defeat items (the rows the comparison already read). It is
not run in the audit's judge stage nor stored: the verdicts table holds one stance vocabulary
per judge, and a second judge id there would make the store's judge ambiguous for every
comparison (``pick_judge``); the engagement judge is offline, deterministic and costs a few
regular expressions per answer, and its id and rubric hash are recorded with the result, so a
report says exactly how each label was reached. It reads the stance itself (its reading blanks
engagement sentences first, which the stance judges do not), so the labels do not depend on
the comparison's judge. The breakdown by authority (item category) and reason (item tags)
takes the tags from the built-in suite, matched by item hash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from auditor.compare._collect import DEFAULT_FRAMING, ModelData, StoredRow
from auditor.judges import (
    EngagementJudge,
    EngagementRow,
    EngagementVerdict,
    TaggedEngagement,
    engagement_breakdown,
)

log = logging.getLogger(__name__)

RULE_DEFEAT = "rule-defeat"


@dataclass(frozen=True, slots=True)
class EngagedAnswer:
    """One rule-defeat answer with its engagement verdict (evidence included)."""

    item_id: str
    category: str
    tags: tuple[str, ...]
    verdict: EngagementVerdict


@dataclass(frozen=True, slots=True)
class BlindRefusal:
    """One model's rule-defeat answers: the breakdown (``all``, per category, per tag) and
    every judged answer; ``judge_id`` / ``rubric_hash`` name the engagement judge."""

    judge_id: str
    rubric_hash: str
    breakdown: tuple[EngagementRow, ...]
    answers: tuple[EngagedAnswer, ...]

    @property
    def overall(self) -> EngagementRow:
        return self.breakdown[0]


@cache
def _suite_tags() -> dict[str, tuple[str, ...]]:
    """``item hash -> tags`` of the built-in rule-defeat suite (empty if it cannot load)."""
    from auditor.errors import AuditorError
    from auditor.suites import load_suite

    try:
        return {i.content_hash: i.tags for i in load_suite(RULE_DEFEAT).items}
    except AuditorError as exc:  # an installation without the suite still compares
        log.warning("the rule-defeat suite could not be read for its tags: %s", exc)
        return {}


def _request(row: StoredRow) -> str:
    for message in reversed(row.generation.messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return str(message.get("content", ""))
    return row.generation.prompt_text


def blind_refusal(md: ModelData) -> BlindRefusal | None:
    """The model's blind-refusal figures, ``None`` when it answered no rule-defeat item."""
    rows = [r for r in md.framing(DEFAULT_FRAMING).values()
            if r.generation.suite == RULE_DEFEAT]
    if not rows:
        return None
    judge = EngagementJudge()
    tags = _suite_tags()
    answers = []
    for row in sorted(rows, key=lambda r: r.generation.item_id):
        g = row.generation
        verdict = judge.judge(_request(row), "" if g.error else g.response)
        answers.append(EngagedAnswer(g.item_id, g.category or "uncategorised",
                                     tags.get(g.item_hash, ()), verdict))
    breakdown = engagement_breakdown(
        [TaggedEngagement(a.category, a.tags, a.verdict.label) for a in answers]
    )
    return BlindRefusal(judge.judge_id, judge.rubric_hash, breakdown, tuple(answers))
