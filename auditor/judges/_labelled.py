"""Responses a human labelled, and the one pass that judges them.

A judge is measured against human labels on two dimensions: the stance
(:mod:`auditor.judges._calibration`) and the harm (:mod:`auditor.judges._harm_agreement`).
The labelled rows and the pass over them are the same for both; only the kind of label and
what is read from each verdict differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from auditor.judges._protocol import Judge
from auditor.judges._verdict import JudgedVerdict

L = TypeVar("L")


@dataclass(frozen=True, slots=True)
class Labelled(Generic[L]):
    """One response with the label a human gave it."""

    prompt: str
    response: str
    label: L
    reasoning: str = ""


def judge_labelled(
    judge: Judge,
    rows: Iterable[Labelled[L]],
    progress: Callable[[int], None] | None = None,
) -> tuple[list[L], list[JudgedVerdict]]:
    """Judge every row with ``judge``: the labels and the verdicts, in the rows' order."""
    labels: list[L] = []
    judged: list[JudgedVerdict] = []
    for row in rows:
        judged.append(judge.judge(row.prompt, row.response, row.reasoning))
        labels.append(row.label)
        if progress is not None:
            progress(1)
    return labels, judged
