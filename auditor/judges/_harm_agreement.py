"""Measuring the harm dimension of a judge against human harm labels.

>>> result = calibrate_harm(get_judge("heuristic"), rows)      # doctest: +SKIP
>>> result.agreement, result.kappa, result.unclear_share

The audit counts a response as harmful by its point decision (``HarmAssessment.is_harmful``:
``harmful``, or ``unclear`` with a score of at least one half), so ``agreement`` and ``kappa``
are measured on that decision over every row. ``decided_*`` are the same figures on the rows
the judge did not leave ``unclear``, the rows a cascade would not send to a model judge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from auditor.errors import InputError
from auditor.judges._label_map import lookup_label, parse_label_spec
from auditor.judges._labelled import Labelled, judge_labelled
from auditor.judges._protocol import Judge
from auditor.judges._verdict import Harm, HarmAssessment

LABELS = (Harm.HARMFUL, Harm.NOT_HARMFUL)
# Columns of the confusion matrix: the judge's labels, then "none" (no harm assessment: a
# generation or judge error, or a judge without the harm dimension).
PREDICTED = ("harmful", "not_harmful", "unclear", "none")


@dataclass(frozen=True, slots=True)
class HarmLabelled(Labelled[Harm]):
    """One response with the harm label a human gave it."""


@dataclass(frozen=True, slots=True)
class HarmAgreement:
    """How well a judge's harm dimension agrees with human harm labels.

    ``agreement`` / ``kappa``: the point decision against the label on every row (a row with
    no assessment counts as a disagreement); ``decided_agreement`` / ``decided_kappa``: on the
    rows labelled ``harmful`` or ``not_harmful`` by the judge; ``unclear_share``: the share of
    rows it left ``unclear``. ``confusion[i][j]`` counts label ``labels[i]`` judged as
    ``predicted[j]``; ``recall`` is per label, on the point decision.
    """

    judge_id: str
    n: int
    agreement: float
    kappa: float
    decided_agreement: float
    decided_kappa: float
    n_unclear: int
    unclear_share: float
    labels: tuple[str, ...]
    predicted: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    recall: Mapping[str, float]
    n_unassessed: int
    n_model: int = 0  # rows whose harm a model judge decided (a cascade sends only unclear ones)


HARM_LABELS = frozenset(h.value for h in Harm)


def is_harm_label_map(spec: str) -> bool:
    """True when every target of ``'raw=target,...'`` names a harm label."""
    targets = [p.rpartition("=")[2].strip().lower() for p in spec.split(",") if p.strip()]
    return bool(targets) and all(t in HARM_LABELS for t in targets)


def parse_harm_label_map(spec: str) -> dict[str, Harm]:
    """Parse ``'raw=harm,...'`` (targets ``harmful``, ``not_harmful``, ``unclear``)."""
    return parse_label_spec(spec, Harm, target="label", noun="a harm label", example="harmful")


def map_harm_label(raw: str, label_map: Mapping[str, Harm] | None) -> Harm:
    """A raw label as a harm label: through the map, else the label's own name."""
    label = lookup_label(raw, label_map, Harm, noun="a harm label")
    if label == Harm.UNCLEAR:
        raise InputError(f"label {raw!r} maps to unclear: a human label must say harmful or not")
    return label


def _kappa(pairs: Sequence[tuple[bool, bool]]) -> float:
    """Cohen's kappa of binary (label, decision) pairs; nan when chance agreement is 1."""
    from auditor.stats import cohens_kappa  # numpy and scipy only when measuring

    table = [[0, 0], [0, 0]]
    for truth, decision in pairs:
        table[truth][decision] += 1
    return cohens_kappa(table)


def _column(assessment: HarmAssessment | None) -> int:
    return PREDICTED.index("none" if assessment is None else assessment.label.value)


def harm_agreement(
    labels: Sequence[Harm], assessments: Sequence[HarmAssessment | None], judge_id: str = ""
) -> HarmAgreement:
    """Agreement statistics of ``assessments`` against human ``labels`` (same order)."""
    if len(labels) != len(assessments):
        raise InputError("labels and assessments differ in length")
    if not labels:
        raise InputError("no labelled rows to calibrate on")
    confusion = [[0] * len(PREDICTED) for _ in LABELS]
    point: list[tuple[bool, bool]] = []
    decided: list[tuple[bool, bool]] = []
    for label, got in zip(labels, assessments, strict=True):
        confusion[LABELS.index(label)][_column(got)] += 1
        truth = label == Harm.HARMFUL
        if got is None:
            point.append((truth, not truth))  # no assessment: a disagreement either way
            continue
        point.append((truth, got.is_harmful))
        if got.label != Harm.UNCLEAR:
            decided.append((truth, got.label == Harm.HARMFUL))
    n = len(labels)
    n_unclear = sum(row[PREDICTED.index("unclear")] for row in confusion)
    recall = {}
    for label in LABELS:
        rows = [d for (t, d) in point if t == (label == Harm.HARMFUL)]
        hits = sum(d == (label == Harm.HARMFUL) for d in rows)
        recall[label.value] = hits / len(rows) if rows else float("nan")
    return HarmAgreement(
        judge_id=judge_id,
        n=n,
        agreement=sum(t == d for t, d in point) / n,
        kappa=_kappa(point),
        decided_agreement=(sum(t == d for t, d in decided) / len(decided)) if decided
        else float("nan"),
        decided_kappa=_kappa(decided),
        n_unclear=n_unclear,
        unclear_share=n_unclear / n,
        labels=tuple(h.value for h in LABELS),
        predicted=PREDICTED,
        confusion=tuple(tuple(row) for row in confusion),
        recall=recall,
        n_unassessed=sum(row[PREDICTED.index("none")] for row in confusion),
        n_model=sum(got is not None and got.source != "offline" for got in assessments),
    )


def calibrate_harm(
    judge: Judge,
    rows: Iterable[HarmLabelled],
    *,
    progress: Callable[[int], None] | None = None,
) -> HarmAgreement:
    """Judge every labelled row with ``judge`` and measure its harm dimension."""
    labels, judged = judge_labelled(judge, rows, progress)
    return harm_agreement(labels, [j.harm for j in judged], judge.judge_id)
