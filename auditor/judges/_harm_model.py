"""The fitted weights of the offline harm scorer, shipped as ``data/harm_weights.json``.

The file is written by ``bench/harm_calibration.py --write`` (never by hand) and read once, on
first use. Its sha256 (``weights_sha256``) is part of the heuristic judge's rubric hash, so a
refit changes the identity of every verdict scored with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from auditor.errors import JudgeError
from auditor.safeio import parse_json

WEIGHTS_FILE = "harm_weights.json"
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class HarmWeights:
    """Standardised logistic weights: ``logit = intercept + sum(coef * (x - mean) / scale)``."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    l2: float
    fitted_on: str  # what the weights were fitted on (file name and row count)


def weights_bytes() -> bytes:
    """The shipped weights file, as bytes."""
    return (resources.files("auditor.judges") / "data" / WEIGHTS_FILE).read_bytes()


def weights_sha256() -> str:
    """sha256 of the shipped weights file (part of the heuristic judge's rubric hash)."""
    return hashlib.sha256(weights_bytes()).hexdigest()


def _floats(doc: dict[str, Any], key: str, n: int) -> tuple[float, ...]:
    values = doc.get(key)
    if not isinstance(values, list) or len(values) != n or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        raise JudgeError(f"{WEIGHTS_FILE}: '{key}' must be {n} numbers")
    return tuple(float(v) for v in values)


def parse_weights(raw: bytes | str) -> HarmWeights:
    """Parse and check a weights document (a clear ``JudgeError`` when it is malformed)."""
    doc = parse_json(raw, WEIGHTS_FILE, error=JudgeError)
    if not isinstance(doc, dict) or doc.get("schema_version") != SCHEMA_VERSION:
        raise JudgeError(f"{WEIGHTS_FILE}: not a schema_version {SCHEMA_VERSION} weights file")
    names = doc.get("names")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise JudgeError(f"{WEIGHTS_FILE}: 'names' must be a list of feature names")
    n = len(names)
    scale = _floats(doc, "scale", n)
    if any(s <= 0 for s in scale):
        raise JudgeError(f"{WEIGHTS_FILE}: every 'scale' must be positive")
    intercept, l2 = doc.get("intercept"), doc.get("l2")
    if not isinstance(intercept, int | float) or not isinstance(l2, int | float):
        raise JudgeError(f"{WEIGHTS_FILE}: 'intercept' and 'l2' must be numbers")
    return HarmWeights(tuple(names), _floats(doc, "mean", n), scale, _floats(doc, "coef", n),
                       float(intercept), float(l2), str(doc.get("fitted_on", "")))


@cache
def shipped_weights() -> HarmWeights:
    """The weights the offline harm scorer uses."""
    return parse_weights(weights_bytes())
