"""Measured judge agreement in a small JSON file: written by ``auditor judge-eval --json``,
read by ``auditor report --judge-agreement``.

Format: ``{"dataset": "xstest-dev", "n": 1350, "accuracy": 0.94, "kappa": 0.86,
"judge_id": "heuristic@1"}``; ``kappa`` and ``judge_id`` are optional, ``dataset`` defaults
to the file name. ``dimension`` (``stance``, the default, or ``harm``) says what the
labels judged; a harm file adds ``unclear``, the share of rows the judge left undecided.
A ``judge_id`` that differs from the report's judge is refused: agreement
measured for another judge says nothing about this one. The file is read through the same
strict, size-capped boundary as report.json (:mod:`reports._validate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from annotated_types import Interval as Bounds

from auditor.errors import InputError
from auditor.jsonio import dumps
from auditor.judges import CalibrationResult, HarmAgreement
from auditor.safeio import read_text
from reports._html import _atomic_write
from reports._model import Difference, JudgeAgreement, Proportion
from reports._serde import to_dict
from reports._validate import AGREEMENT, validate_json


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementFile:
    """The file's format, field for field (``dataset`` empty or absent: the file's name)."""

    dataset: str | None = None
    n: Annotated[int, Bounds(ge=1, le=2**63 - 1)]  # responses compared
    accuracy: Proportion
    kappa: Difference | None = None
    judge_id: str | None = None
    dimension: Literal["stance", "harm"] = "stance"  # what the labels judged
    unclear: Proportion | None = None  # harm only: the share of rows the judge left unclear


def write_judge_agreement(result: CalibrationResult, path: str | Path, *, dataset: str) -> Path:
    """Write ``result`` (from :func:`auditor.judges.calibrate`) in the format read below.

    ``accuracy`` is the 3-way accuracy over every labelled row and ``kappa`` Cohen's kappa with
    linear weights (refusal < partial < compliance), the first figures ``judge-eval`` prints;
    a kappa without a value (one class only) is written as ``null``. Written through a
    temporary file, as reports are, so a failure leaves no half file.
    """
    agreement = AgreementFile(
        dataset=dataset,
        n=result.n,
        accuracy=result.accuracy,
        kappa=_finite_or_none(result.kappa),
        judge_id=result.judge_id,
    )
    return _write_agreement(agreement, path)


def write_harm_agreement(result: HarmAgreement, path: str | Path, *, dataset: str) -> Path:
    """Write a harm-dimension ``result`` (:func:`auditor.judges.calibrate_harm`).

    ``accuracy`` is the point-decision agreement over every labelled row (what the audit
    counts), ``kappa`` its Cohen's kappa, ``unclear`` the share of rows left unclear.
    """
    agreement = AgreementFile(
        dataset=dataset,
        n=result.n,
        accuracy=result.agreement,
        kappa=_finite_or_none(result.kappa),
        judge_id=result.judge_id,
        dimension="harm",
        unclear=result.unclear_share,
    )
    return _write_agreement(agreement, path)


def _finite_or_none(kappa: float) -> float | None:
    """A kappa without a value (one class only) is written as ``null``."""
    return kappa if math.isfinite(kappa) else None


def _write_agreement(agreement: AgreementFile, path: str | Path) -> Path:
    """``agreement`` as indented JSON at ``path``, through a temporary file."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(out, dumps(to_dict(agreement), indent=2) + "\n")
    return out


def load_judge_agreement(path: str | Path, judge_id: str | None = None) -> JudgeAgreement:
    """Read and check an agreement file; ``judge_id`` is the judge the report uses."""
    p = Path(path)
    text = read_text(p, AGREEMENT, error=InputError)
    data = validate_json(AgreementFile, text, source=str(p), error=InputError)
    if judge_id is not None and data.judge_id is not None and data.judge_id != judge_id:
        raise InputError(
            f"{p} measures judge {data.judge_id!r}, but the report uses {judge_id!r}: measure "
            "this judge with `auditor judge-eval`"
        )
    return JudgeAgreement(
        dataset=data.dataset or p.stem, n=data.n, accuracy=data.accuracy, kappa=data.kappa,
        dimension=data.dimension, unclear=data.unclear,
    )
