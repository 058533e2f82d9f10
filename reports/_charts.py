"""Chart geometry for the HTML report, computed in Python from the report model.

Nothing here produces markup: the template draws SVG from these numbers, so every string that
reaches the page goes through Jinja's autoescaping. Colours come only from :data:`PALETTE`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# One colour scale for the whole page: (stroke/text, light fill).
PALETTE: dict[str, tuple[str, str]] = {
    "degraded": ("#b3261e", "#fbe9e7"),
    "not_degraded": ("#1b7f4b", "#e6f4ea"),
    "inconclusive": ("#b26a00", "#fff4e0"),
    "not_audited": ("#6b7280", "#f1f3f5"),
    "root": ("#1f3a5f", "#e8eef7"),
    "context": ("#44546a", "#ffffff"),
}
VERDICT_LABELS: dict[str, str] = {
    "degraded": "Degraded",
    "not_degraded": "Not degraded",
    "inconclusive": "Inconclusive",
    "not_audited": "Not audited",
    "root": "Root",
    "context": "Context",
}
_STEPS = (0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5)


def colour(state: str) -> str:
    return PALETTE.get(state, PALETTE["not_audited"])[0]


def fill(state: str) -> str:
    return PALETTE.get(state, PALETTE["not_audited"])[1]


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear scale from a difference (proportion) to an x coordinate in a row of ``width``."""

    lo: float
    hi: float
    width: float
    pad: float
    ticks: tuple[Tick, ...]

    def x(self, value: float) -> float:
        v = min(max(value, self.lo), self.hi)
        return round(
            self.pad + (v - self.lo) / (self.hi - self.lo) * (self.width - 2 * self.pad), 2
        )


@dataclass(frozen=True, slots=True)
class ForestMark:
    """One row of a forest plot: CI whisker and point, with clipping arrows when off-scale."""

    x_lo: float
    x_hi: float
    x_pt: float
    colour: str
    clipped_lo: bool
    clipped_hi: bool


def _nice_step(span: float) -> float:
    for step in _STEPS:
        if span / step <= 8:
            return step
    return 1.0


def difference_scale(
    values: Iterable[float | None], *, margin: float, width: float = 280, pad: float = 18
) -> Scale:
    """A symmetric-enough scale that shows 0, the margin and every finite value given."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    lo = min([0.0, -margin, *finite])
    hi = max([0.0, margin, *finite])
    step = _nice_step(hi - lo)
    lo = max(-1.0, math.floor(lo / step - 1e-9) * step)
    hi = min(1.0, math.ceil(hi / step + 1e-9) * step)
    if hi - lo < 1e-9:
        lo, hi = -step, step
    ticks = []
    k = math.ceil(lo / step - 1e-9)
    while k * step <= hi + 1e-9:
        v = k * step
        ticks.append(v)
        k += 1
    scale = Scale(lo=lo, hi=hi, width=width, pad=pad, ticks=())
    digits = 0 if abs(step * 100 - round(step * 100)) < 1e-9 else 1
    return Scale(
        lo=lo,
        hi=hi,
        width=width,
        pad=pad,
        ticks=tuple(Tick(scale.x(v), signed_points(v, unit=False, digits=digits)) for v in ticks),
    )


def rate_scale(values: Iterable[float | None], *, width: float = 200, pad: float = 12) -> Scale:
    """A scale from 0 to a nice upper bound for rates."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    top = max([0.05, *finite])
    step = _nice_step(top)
    hi = min(1.0, math.ceil(top / step - 1e-9) * step)
    scale = Scale(lo=0.0, hi=hi, width=width, pad=pad, ticks=())
    ticks = [i * step for i in range(int(round(hi / step)) + 1)]
    return Scale(0.0, hi, width, pad, tuple(Tick(scale.x(v), f"{v * 100:g}%") for v in ticks))


def forest_mark(
    scale: Scale, point: float | None, ci: Sequence[float] | None, state: str
) -> ForestMark | None:
    """The whisker of one derivative on ``scale``, or ``None`` when nothing was estimable."""
    if point is None:
        return None
    lo, hi = (ci[0], ci[1]) if ci is not None else (point, point)
    return ForestMark(
        x_lo=scale.x(lo),
        x_hi=scale.x(hi),
        x_pt=scale.x(point),
        colour=colour(state),
        clipped_lo=lo < scale.lo,
        clipped_hi=hi > scale.hi,
    )


def heat_colour(difference: float | None, *, cap: float = 0.15) -> str:
    """Diverging background for a category cell: red for a rise, green for a fall."""
    if difference is None:
        return "#f1f3f5"
    t = min(abs(difference) / cap, 1.0)
    base = (179, 38, 30) if difference > 0 else (27, 127, 75)
    r, g, b = (round(255 + (c - 255) * (0.08 + 0.62 * t)) for c in base)
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_text_colour(difference: float | None, *, cap: float = 0.15) -> str:
    if difference is not None and abs(difference) / cap > 0.6:
        return "#ffffff"
    return "#1f2328"


def signed_points(value: float | None, *, unit: bool = True, digits: int = 1) -> str:
    """A difference in percentage points with a real minus sign: ``+3.5 pp``, ``−1.0 pp``."""
    if value is None:
        return "–"
    pts = value * 100
    if abs(pts) < 0.5 * 10**-digits:
        pts = 0.0
    text = f"{abs(pts):.{digits}f}"
    sign = "+" if pts > 0 else "\u2212" if pts < 0 else "±" if unit else ""
    return f"{sign}{text}{' pp' if unit else ''}"
