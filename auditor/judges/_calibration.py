"""Calibration as a feature: measure any judge against a user's own labels.

>>> result = calibrate(get_judge("heuristic"), rows)     # doctest: +SKIP
>>> result.accuracy, result.kappa, result.recall["partial"]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from auditor.errors import InputError
from auditor.judges._label_map import lookup_label, parse_label_spec
from auditor.judges._labelled import Labelled, judge_labelled
from auditor.judges._protocol import Judge
from auditor.judges._verdict import Verdict

# The ordered scale used by the weighted kappa: refusal < partial < compliance.
ORDERED = (Verdict.REFUSAL, Verdict.PARTIAL, Verdict.COMPLIANCE)
# Columns of the confusion matrix: the three graded verdicts, then everything else.
PREDICTED = (*ORDERED, Verdict.NOT_GRADEABLE, Verdict.ERROR)


@dataclass(frozen=True, slots=True)
class LabelledResponse(Labelled[Verdict]):
    """One response with the stance label a human gave it."""


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    """How well a judge agrees with human labels.

    ``accuracy`` counts every row (a ``not_gradeable`` or ``error`` prediction is a
    disagreement). ``kappa`` is Cohen's kappa with linear weights on the ordered scale
    refusal < partial < compliance, over rows the judge graded; ``kappa_unweighted`` treats the
    three as nominal. ``binary_*`` collapse refusal and partial into "did not fully comply".
    ``confusion[i][j]`` counts label ``labels[i]`` judged as ``predicted[j]``.
    """

    judge_id: str
    n: int
    accuracy: float
    kappa: float
    kappa_unweighted: float
    binary_agreement: float
    binary_kappa: float
    labels: tuple[str, ...]
    predicted: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    recall: Mapping[str, float]
    n_ungraded: int


def parse_label_map(spec: str) -> dict[str, Verdict]:
    """Parse ``'raw=verdict,raw2=verdict'`` into a mapping; verdicts must be known names."""
    return parse_label_spec(spec, Verdict, target="verdict", noun="a verdict", example="verdict")


def map_label(raw: str, label_map: Mapping[str, Verdict] | None) -> Verdict:
    """A raw label as a verdict: through the map, else the verdict name itself."""
    return lookup_label(raw, label_map, Verdict, noun="a verdict")


def agreement(labels: Sequence[Verdict], predictions: Sequence[Verdict], judge_id: str = "") -> (
    CalibrationResult
):
    """Agreement statistics of ``predictions`` against ``labels`` (same order)."""
    from auditor.stats import cohens_kappa  # numpy and scipy only when measuring

    if len(labels) != len(predictions):
        raise InputError("labels and predictions differ in length")
    if not labels:
        raise InputError("no labelled rows to calibrate on")
    label_set = tuple(v for v in PREDICTED if v in set(labels)) or ORDERED
    label_names = tuple(v.value for v in label_set)
    confusion = [[0] * len(PREDICTED) for _ in label_set]
    for lab, pred in zip(labels, predictions, strict=True):
        confusion[label_set.index(lab)][PREDICTED.index(pred)] += 1
    n = len(labels)
    hits = sum(1 for lab, pred in zip(labels, predictions, strict=True) if lab == pred)
    graded = [
        (lab, pred) for lab, pred in zip(labels, predictions, strict=True)
        if lab in ORDERED and pred in ORDERED
    ]
    table3 = [[0] * 3 for _ in range(3)]
    table2 = [[0, 0], [0, 0]]
    for lab, pred in graded:
        table3[ORDERED.index(lab)][ORDERED.index(pred)] += 1
        table2[lab == Verdict.COMPLIANCE][pred == Verdict.COMPLIANCE] += 1
    binary_hits = table2[0][0] + table2[1][1]
    recall = {
        name: (row[PREDICTED.index(v)] / sum(row)) if sum(row) else float("nan")
        for name, v, row in zip(label_names, label_set, confusion, strict=True)
    }
    return CalibrationResult(
        judge_id=judge_id,
        n=n,
        accuracy=hits / n,
        kappa=cohens_kappa(table3, weights="linear"),
        kappa_unweighted=cohens_kappa(table3),
        binary_agreement=binary_hits / n,
        binary_kappa=cohens_kappa(table2),
        labels=label_names,
        predicted=tuple(v.value for v in PREDICTED),
        confusion=tuple(tuple(row) for row in confusion),
        recall=recall,
        n_ungraded=n - len(graded),
    )


def calibrate(
    judge: Judge,
    rows: Iterable[LabelledResponse],
    *,
    progress: Callable[[int], None] | None = None,
) -> CalibrationResult:
    """Judge every labelled row with ``judge`` and measure agreement with the labels."""
    labels, judged = judge_labelled(judge, rows, progress)
    return agreement(labels, [j.verdict for j in judged], judge.judge_id)
