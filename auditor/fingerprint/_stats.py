"""Per-tensor numbers of a child against its parent: relative L2 distance and Pearson
correlation of the sampled values, the error its storage type alone would explain, and the
numerical rank of the difference block.

The expected storage error (:data:`TYPICAL_REL_ERROR`) is the relative RMS error of rounding
Gaussian-like weights to each type: half-precision floats from their mantissa width
(``2**-(m+1) / sqrt(3)``), block quantizations from their step (block scale over the levels,
``step / sqrt(12)``), then checked against tiny Llama models quantized by llama.cpp itself
(``tests/fingerprint``, normal weights): F16 measured 2.1e-4, Q8_0 5.2e-3 to 5.5e-3,
Q6_K 1.8e-2, Q4_K ~7e-2, Q3_K ~0.15, Q2_K ~0.3; the table holds those values (types not
measured: interpolated by bits per weight).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auditor.fingerprint._record import TensorSample

#: Relative RMS error of storing weights in each type (0 for exact float types).
TYPICAL_REL_ERROR: dict[str, float] = {
    "F64": 0.0, "F32": 0.0, "F16": 2.5e-4, "BF16": 2.5e-3,
    "Q8_0": 5.5e-3, "Q8_1": 5.5e-3, "Q8_K": 5.5e-3, "Q6_K": 1.8e-2,
    "Q5_0": 3.5e-2, "Q5_1": 3.5e-2, "Q5_K": 3.5e-2,
    "Q4_0": 7e-2, "Q4_1": 7e-2, "Q4_K": 7e-2, "IQ4_NL": 7e-2, "IQ4_XS": 7e-2, "MXFP4": 1e-1,
    "Q3_K": 1.5e-1, "IQ3_S": 1.5e-1, "IQ3_XXS": 1.7e-1,
    "Q2_K": 3e-1, "IQ2_XXS": 3.5e-1, "IQ2_XS": 3.5e-1, "IQ2_S": 3.5e-1,
    "IQ1_S": 5e-1, "IQ1_M": 5e-1, "TQ1_0": 5e-1, "TQ2_0": 5e-1,
}
#: For a type not in the table: the error of a 2-bit quantization (assume the worst).
UNKNOWN_TYPE_REL_ERROR = 0.4
#: A tensor differs by more than storage can explain when its distance passes this many
#: times the expected storage error: measured errors stay within 1.1x of the table on the
#: tiny models; 2x leaves room for weights less Gaussian than theirs (heavier tails quantize
#: worse) while a fine-tune's changes (typically 5-50% relative) still stand out of Q8_0-Q4.
STORAGE_TOLERANCE = 2.0
#: Distances below this count as equal whatever the types (float32 round-off, ~1e-7).
MIN_REL_CHANGE = 1e-5
#: Singular values of the difference block above ``this x sigma x (sqrt(R) + sqrt(C))``
#: count towards its rank: the largest singular value of an R x C block of independent noise
#: of deviation sigma is about sigma x (sqrt(R) + sqrt(C)); 2x leaves room for heavier tails.
NOISE_SINGULAR_FACTOR = 2.0
#: ... and above this fraction of the largest singular value (float32 round-off).
RELATIVE_SINGULAR_FLOOR = 1e-4


@dataclass(frozen=True, slots=True)
class TensorComparison:
    """A child tensor against the parent's: ``rel_l2`` = |c - p| / |p| over the sample,
    ``correlation`` (None for a constant sample), ``storage_error`` the relative error the two
    storage types explain, ``rank``/``full_rank`` of the difference block (matrices only)."""

    name: str
    rel_l2: float
    correlation: float | None
    storage_error: float
    changed: bool
    is_matrix: bool
    rank: int | None
    full_rank: int


def storage_error(child: str, parent: str) -> float:
    """The relative error two storage types explain together."""
    def one(kind: str) -> float:
        return TYPICAL_REL_ERROR.get(kind.upper(), UNKNOWN_TYPE_REL_ERROR)
    return float(np.hypot(one(child), one(parent)))


def _correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    a, b = a - a.mean(), b - b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return None if denominator == 0.0 else float((a * b).sum() / denominator)


def difference_rank(diff: np.ndarray, noise_sigma: float) -> int:
    """Numerical rank of a difference block above storage noise and round-off."""
    singular = np.linalg.svd(diff.astype(np.float64), compute_uv=False)
    if singular.size == 0 or singular[0] == 0.0:
        return 0
    rows, cols = diff.shape
    floor = max(NOISE_SINGULAR_FACTOR * noise_sigma * (np.sqrt(rows) + np.sqrt(cols)),
                RELATIVE_SINGULAR_FLOOR * float(singular[0]))
    return int((singular > floor).sum())


def compare_tensor(child: TensorSample, parent: TensorSample) -> TensorComparison:
    """The numbers of one tensor present in both fingerprints with the same shape."""
    c = child.values.astype(np.float64)
    p = parent.values.astype(np.float64)
    diff = c - p
    norm = float(np.linalg.norm(p))
    distance = float(np.linalg.norm(diff))
    rel = distance / norm if norm > 0 else (0.0 if distance == 0 else float("inf"))
    expected = storage_error(child.storage, parent.storage)
    changed = rel > max(STORAGE_TOLERANCE * expected, MIN_REL_CHANGE)
    is_matrix = p.shape[0] > 1
    rank = None
    if is_matrix and changed:
        sigma = expected * float(np.sqrt(np.mean(p * p)))
        rank = difference_rank(diff, sigma)
    return TensorComparison(child.name, rel, _correlation(c.ravel(), p.ravel()), expected,
                            changed, is_matrix, rank, min(p.shape))
