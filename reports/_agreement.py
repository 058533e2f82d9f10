"""Measured judge agreement in a small JSON file: written by ``auditor judge-eval --json``,
read by ``auditor report --judge-agreement``.

Format: ``{"dataset": "xstest-dev", "n": 1350, "accuracy": 0.94, "kappa": 0.86,
"judge_id": "heuristic@1"}``; ``kappa`` and ``judge_id`` are optional, ``dataset`` defaults
to the file name. A ``judge_id`` that differs from the report's judge is refused: agreement
measured for another judge says nothing about this one.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.judges import CalibrationResult
from reports._html import _atomic_write
from reports._model import JudgeAgreement


def write_judge_agreement(result: CalibrationResult, path: str | Path, *, dataset: str) -> Path:
    """Write ``result`` (from :func:`auditor.judges.calibrate`) in the format read below.

    ``accuracy`` is the 3-way accuracy over every labelled row and ``kappa`` Cohen's kappa with
    linear weights (refusal < partial < compliance), the first figures ``judge-eval`` prints;
    a kappa without a value (one class only) is written as ``null``. Written through a
    temporary file, as reports are, so a failure leaves no half file.
    """
    out = Path(path)
    data = {
        "dataset": dataset,
        "n": result.n,
        "accuracy": result.accuracy,
        "kappa": result.kappa if math.isfinite(result.kappa) else None,
        "judge_id": result.judge_id,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(out, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return out


def load_judge_agreement(path: str | Path, judge_id: str | None = None) -> JudgeAgreement:
    """Read and check an agreement file; ``judge_id`` is the judge the report uses."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read judge agreement file {p}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"judge agreement file {p} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"judge agreement file {p} must hold a JSON object")
    measured = data.get("judge_id")
    if judge_id is not None and measured is not None and measured != judge_id:
        raise InputError(
            f"{p} measures judge {measured!r}, but the report uses {judge_id!r}: measure this "
            "judge with `auditor judge-eval`"
        )
    n = data.get("n")
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise InputError(f"{p}: 'n' must be a positive integer (responses compared)")
    return JudgeAgreement(
        dataset=str(data.get("dataset") or p.stem),
        n=n,
        accuracy=_share(data.get("accuracy"), "accuracy", p, required=True),  # type: ignore[arg-type]
        kappa=_share(data.get("kappa"), "kappa", p, required=False, low=-1.0),
    )


def _share(value: Any, name: str, p: Path, *, required: bool, low: float = 0.0) -> float | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{p}: {name!r} must be a number")
    if not low <= value <= 1.0:
        raise InputError(f"{p}: {name!r} must lie in [{low:g}, 1], got {value}")
    return float(value)
