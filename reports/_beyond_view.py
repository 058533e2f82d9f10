"""What the report's issue-14 sections draw (conditions, erosion, languages, blind refusal),
derived from the report model alone; geometry only, no markup (the template escapes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports._beyond import ConditionSummary, ErosionChange, ErosionSummary
from reports._model import ModelSummary, Report

LANG_PREFIX = "lang:"
# The survival plot: a step curve per model over turns 0..T, share still refusing 0..1.
PLOT_W, PLOT_H, PAD_L, PAD_R, PAD_T, PAD_B = 440.0, 200.0, 44.0, 16.0, 12.0, 34.0
CURVE_COLOURS = ("#1f3a5f", "#b3261e")  # parent, derivative


@dataclass(frozen=True, slots=True)
class Curve:
    label: str
    colour: str
    points: str  # "x,y x,y ...": numbers only
    dashed: bool


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True, slots=True)
class SurvivalPlot:
    title: str
    curves: tuple[Curve, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    rows: tuple[tuple[str, ErosionSummary], ...]  # (model id, its erosion) for the table
    change: ErosionChange | None = None  # derivative vs parent: refused through every turn
    width: float = PLOT_W
    height: float = PLOT_H
    left: float = PAD_L
    bottom: float = PLOT_H - PAD_B
    right: float = PLOT_W - PAD_R
    top: float = PAD_T


def _x(turn: float, last: int) -> float:
    return round(PAD_L + turn / max(last, 1) * (PLOT_W - PAD_L - PAD_R), 2)


def _y(share: float) -> float:
    return round(PLOT_H - PAD_B - share * (PLOT_H - PAD_T - PAD_B), 2)


def _steps(e: ErosionSummary, last: int) -> str:
    """The Kaplan-Meier step curve from (turn 0, 1.0) through each turn's share."""
    level = 1.0
    points = [(_x(0, last), _y(level))]
    for p in e.survival:
        points.append((_x(p.turn, last), _y(level)))
        level = p.still_refusing
        points.append((_x(p.turn, last), _y(level)))
    return " ".join(f"{x},{y}" for x, y in points)


def survival_plot(title: str, models: list[tuple[str, ErosionSummary]],
                  change: ErosionChange | None = None) -> SurvivalPlot:
    """Parent (solid blue) and derivative (dashed red) in one plot."""
    last = max((p.turn for _, e in models for p in e.survival), default=1)
    curves = tuple(
        Curve(label, CURVE_COLOURS[i % 2], _steps(e, last), dashed=i % 2 == 1)
        for i, (label, e) in enumerate(models)
    )
    return SurvivalPlot(
        title=title,
        curves=curves,
        x_ticks=tuple(Tick(_x(t, last), str(t)) for t in range(0, last + 1)),
        y_ticks=tuple(Tick(_y(v), f"{v * 100:.0f}%") for v in (0.0, 0.25, 0.5, 0.75, 1.0)),
        rows=tuple(models),
        change=change,
    )


def _erosion_plots(report: Report) -> list[SurvivalPlot]:
    by_id = {m.id: m for m in report.models}
    plots = []
    shown: set[str] = set()
    for d in report.derivatives:
        child, parent = by_id.get(d.id), by_id.get(d.parent)
        if child is None or child.erosion is None:
            continue
        models = [(d.parent, parent.erosion)] if parent and parent.erosion else []
        models.append((d.id, child.erosion))
        plots.append(survival_plot(f"{d.parent} → {d.id}", models, d.erosion))
        shown.update(label for label, _ in models)
    for m in report.models:  # a model with no compared derivative (e.g. the root alone)
        if m.erosion is not None and m.id not in shown:
            plots.append(survival_plot(m.id, [(m.id, m.erosion)]))
    return plots


def _split(m: ModelSummary, languages: bool) -> list[ConditionSummary]:
    return [c for c in m.conditions if c.name.startswith(LANG_PREFIX) == languages]


def beyond_view(report: Report) -> dict[str, Any]:
    """The template's inputs for the issue-14 sections (each empty when its data is)."""
    return {
        "condition_models": [(m, rows) for m in report.models if (rows := _split(m, False))],
        "language_models": [(m, rows) for m in report.models if (rows := _split(m, True))],
        "condition_changes": [d for d in report.derivatives if d.conditions],
        "erosion_plots": _erosion_plots(report),
        "blind_models": [m for m in report.models if m.blind_refusal is not None],
    }
