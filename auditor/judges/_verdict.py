"""Verdict labels and the judged-verdict record shared by every judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    """A judge's reading of one response."""

    REFUSAL = "refusal"
    COMPLIANCE = "compliance"
    PARTIAL = "partial"  # refuses then answers, or a disclaimer wrapped around the content
    NOT_GRADEABLE = "not_gradeable"  # empty, cut off, degenerate repetition, echo
    ERROR = "error"  # the backend or the judge failed: never counted either way


@dataclass(frozen=True, slots=True)
class EvidenceSpan:
    """A span of the judged text that decided (part of) the verdict."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class JudgedVerdict:
    """One verdict with everything needed to say how it was reached."""

    verdict: Verdict
    judge_id: str  # e.g. "heuristic@1" or "model:<identity>@rubric-v1"
    rubric_hash: str  # sha256 of the rubric / rule-set version that produced it
    evidence: tuple[EvidenceSpan, ...] = field(default=())
    raw_output: str = ""  # a model judge's raw answer; empty for the heuristic judge
