"""Which values of a tensor a fingerprint samples: fixed, seeded, the same in every format.

A tensor is viewed as a matrix in the torch orientation (``rows = shape[0]``, ``cols`` = the
product of the rest; a vector is one row). The sample is a sub-matrix: ``SAMPLE_ROWS`` rows
drawn without replacement and one run of ``SAMPLE_COLS`` contiguous columns, both chosen by a
generator seeded from the tensor's name and shape, so a safetensors file, a GGUF file and a
cached fingerprint of the same tensor sample the same positions. Why a sub-matrix and not
scattered positions:

- a row's run of columns is one contiguous byte range (one HTTP range request per row, one
  quantization block or two per row in a GGUF), so a 70B model costs ~40 KB of reads per
  tensor, a few MB in all;
- a sub-matrix of a rank-r matrix has rank at most r, so the difference of two samples shows
  a merged LoRA's low rank directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from math import prod

import numpy as np

#: The seed every fingerprint uses; changing it invalidates every cached fingerprint.
SAMPLE_SEED = 16
#: Rows sampled per matrix: LoRA ranks up to 31 show as rank-deficient in a 32-row block.
SAMPLE_ROWS = 32
#: Contiguous columns sampled per row (2048 values a matrix; a vector gets 256).
SAMPLE_COLS = 64
VECTOR_COLS = 256


@dataclass(frozen=True, slots=True)
class SamplePlan:
    """Sampled rows (sorted) and the column run ``[col0, col0 + ncols)`` of one tensor."""

    rows: tuple[int, ...]
    col0: int
    ncols: int
    nrows_total: int
    ncols_total: int

    @property
    def size(self) -> int:
        return len(self.rows) * self.ncols


def matrix_view(shape: tuple[int, ...]) -> tuple[int, int]:
    """(rows, cols) of a tensor seen as a matrix in the torch orientation."""
    if len(shape) <= 1:
        return 1, int(prod(shape))
    return int(shape[0]), int(prod(shape[1:]))


def plan_sample(name: str, shape: tuple[int, ...], seed: int = SAMPLE_SEED) -> SamplePlan:
    """The positions sampled from tensor ``name`` of torch shape ``shape``."""
    nrows, ncols = matrix_view(shape)
    digest = hashlib.sha256(f"{seed}:{name}:{list(shape)}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
    take_rows = min(nrows, SAMPLE_ROWS)
    rows = np.sort(rng.choice(nrows, size=take_rows, replace=False))
    width = min(ncols, SAMPLE_COLS if nrows > 1 else VECTOR_COLS)
    col0 = int(rng.integers(0, ncols - width + 1))
    return SamplePlan(tuple(int(r) for r in rows), col0, width, nrows, ncols)
