"""The report's numeric types with their ranges, as ``annotated_types`` bounds.

They cost nothing at run time; reading a ``report.json`` back (:mod:`reports._validate`,
pydantic) enforces them, so a hand-edited file with a rate of 7.5, a NaN or a count of -3 is
refused with the JSON path of the field instead of being drawn.
"""

from __future__ import annotations

from typing import Annotated

# annotated_types is pydantic's constraint vocabulary (installed with it); importing it keeps
# pydantic itself out of `import reports`.
from annotated_types import Interval as Bounds

_INT64 = 2**63 - 1  # counts come from SQLite integers
# A proportion (rate, p-value, alpha, margin); a difference of two proportions (or a kappa);
# a difference of two differences (eval-awareness: change in the framing gap).
# A proportion (rate, p-value, alpha, margin); a difference of two proportions (or a kappa);
# a difference of two differences (eval-awareness: change in the framing gap).
Proportion = Annotated[float, Bounds(ge=0.0, le=1.0)]
Difference = Annotated[float, Bounds(ge=-1.0, le=1.0)]
DiffInDiff = Annotated[float, Bounds(ge=-2.0, le=2.0)]
Count = Annotated[int, Bounds(ge=0, le=_INT64)]
Int64 = Annotated[int, Bounds(ge=-_INT64 - 1, le=_INT64)]
RateInterval = tuple[Proportion, Proportion]
DifferenceInterval = tuple[Difference, Difference]
