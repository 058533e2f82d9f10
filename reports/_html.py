"""Render the report model to one self-contained HTML file, and write both report files.

The page is a rendering of :class:`~reports._model.Report` and nothing else. Jinja2 runs with
autoescaping on for every template, so untrusted text (model output, card fields, repo ids,
data-set prompts) is escaped in element content and in attributes, SVG included. The page has
no script, loads nothing (a strict Content-Security-Policy says so), and prints to PDF.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from auditor.errors import OutputError, ReportError
from auditor.outputs import atomic_write_text
from auditor.redact import redact
from reports import _charts
from reports._beyond_view import beyond_view
from reports._layout import NODE_H, NODE_W, layout_lineage
from reports._model import DerivativeResult, PairedResult, Report
from reports._serde import to_json

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
TEMPLATE = "report.html.j2"


def _template_dirs() -> list[str]:
    here = Path(__file__).resolve().parent
    candidates = [here / "_templates", here.parent / "templates"]
    return [str(p) for p in candidates if (p / TEMPLATE).is_file()]


@cache
def _environment() -> jinja2.Environment:
    dirs = _template_dirs()
    if not dirs:
        raise ReportError(
            f"the report template {TEMPLATE} is missing from this installation; reinstall auditor"
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=reveal_controls,
    )
    env.filters.update(
        pct=pct,
        pp=_charts.signed_points,
        pval=pval,
        pstmt=pstmt,
        ci=ci_text,
        short=_short,
    )
    env.globals.update(
        colour=_charts.colour,
        fill=_charts.fill,
        verdict_label=lambda s: _charts.VERDICT_LABELS.get(s, s),
        heat_colour=_charts.heat_colour,
        heat_text=_charts.heat_text_colour,
        node_w=NODE_W,
        node_h=NODE_H,
    )
    return env


# Bidirectional overrides and isolates can make untrusted text display as something else
# ("Trojan Source"); zero-width characters can hide text. C0/C1 control characters (NUL, ESC,
# ...; not tab or newlines) are HTML parse errors that browsers drop or replace silently. All
# are shown as code points.
_CONTROLS = {
    c: f"[U+{c:04X}]"
    for c in (
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        0x200B,
        0x200E,
        0x200F,
        0x061C,
        *(c for c in range(0x20) if chr(c) not in "\t\n\r"),
        *range(0x7F, 0xA0),
    )
}


def reveal_controls(value: Any) -> Any:
    """Every ``{{ value }}`` passes here before escaping: make invisible controls visible."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return value.translate(_CONTROLS)
    return value


def pct(value: float | None, digits: int = 1) -> str:
    """A proportion as a percentage (``8.5%``); ``–`` when unknown."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value * 100:.{digits}f}%"


def pval(value: float | None) -> str:
    """A p-value with three significant digits, ``< 0.0001`` below that."""
    if value is None or not math.isfinite(value):
        return "–"
    if value < 1e-4:
        return "< 0.0001"
    if value >= 0.9995:
        return "1"
    return f"{value:.3g}" if value < 0.01 else f"{value:.3f}"


def pstmt(value: float | None) -> str:
    """``p = 0.004`` or ``p < 0.0001``, for use in sentences."""
    text = pval(value)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def ci_text(ci: Sequence[float] | None) -> str:
    if ci is None:
        return "–"
    return (
        f"[{_charts.signed_points(ci[0], unit=False)}, {_charts.signed_points(ci[1], unit=False)}]"
    )


def _short(text: str, limit: int = 48) -> str:
    from reports._layout import short_label

    return short_label(text, limit)


@dataclass(frozen=True, slots=True)
class ForestRow:
    id: str
    relation: str
    verdict: str
    result: PairedResult | DerivativeResult
    mark: _charts.ForestMark | None
    flagged: bool


@dataclass(frozen=True, slots=True)
class Forest:
    scale: _charts.Scale
    zero_x: float
    margin_x: float
    rows: tuple[ForestRow, ...]


def _forest(
    items: Sequence[tuple[DerivativeResult, PairedResult | DerivativeResult]],
    margin: float,
    alpha: float,
) -> Forest | None:
    if not items:
        return None
    values: list[float | None] = []
    for _, r in items:
        values.append(r.difference)
        if r.ci is not None:
            values.extend(r.ci)
    scale = _charts.difference_scale(values, margin=margin)
    rows = []
    for d, r in items:
        rows.append(
            ForestRow(
                id=d.id,
                relation=d.relation,
                verdict=r.verdict,
                result=r,
                mark=_charts.forest_mark(scale, r.difference, r.ci, r.verdict),
                flagged=r.p_adjusted is not None and r.p_adjusted < alpha,
            )
        )
    return Forest(scale, scale.x(0.0), scale.x(margin), tuple(rows))


def _view(report: Report) -> dict[str, Any]:
    """Everything the template draws, derived from the report alone."""
    m = report.methods
    derivs = report.derivatives
    over = [(d, d.over_refusal) for d in derivs if d.over_refusal is not None]
    categories = sorted({c.category for d in derivs for c in d.categories})
    cells = {(d.id, c.category): c for d in derivs for c in d.categories}
    gaps = [
        v
        for d in derivs
        if d.eval_awareness is not None
        for g in (d.eval_awareness.derivative, d.eval_awareness.parent)
        if g is not None
        for v in (g.eval_rate, g.deploy_rate)
    ]
    reasoning = [d for d in derivs if d.reasoning is not None and d.reasoning.derivative.n_traces]
    return {
        "r": report,
        "csp": markupsafe.Markup(CSP),  # our constant, not data: keep its quotes readable
        "lineage": layout_lineage(
            report.lineage,
            report.root,
            {
                d.id: d.vs_root.verdict
                for d in derivs
                if d.vs_root and d.vs_root.against != d.parent
            },
        ),
        "forest": _forest([(d, d) for d in derivs], m.margin, m.alpha),
        "vs_root": _forest(
            [(d, d.vs_root) for d in derivs if d.vs_root and d.vs_root.against != d.parent],
            m.margin,
            m.alpha,
        ),
        "over": _forest(over, m.margin, m.alpha),  # type: ignore[arg-type]
        "categories": categories,
        "cells": cells,
        "eval_rows": [d for d in derivs if d.eval_awareness is not None],
        "rate_scale": _charts.rate_scale(gaps),
        "reasoning_rows": reasoning,
        **beyond_view(report),  # conditions, erosion, languages, blind refusal (issue 14)
    }


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (UTF-8 text)."""
    return _environment().get_template(TEMPLATE).render(**_view(report))


#: The files :func:`write_report` writes into its folder (checked against a command's inputs).
REPORT_FILES = ("report.html", "report.json")


def write_report(report: Report, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``report.html`` and ``report.json`` into ``out_dir`` (created if needed).

    Each file is written to a temporary name and renamed, so an interrupted run never leaves a
    half-written report behind. Returns ``(html_path, json_path)``.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create output folder {out}: {exc.strerror or exc}") from exc
    html_text = render_html(report)
    json_text = to_json(report) + "\n"
    html_name, json_name = REPORT_FILES
    paths = (out / html_name, out / json_name)
    for path, text in zip(paths, (html_text, json_text), strict=True):
        _atomic_write(path, text)
    return paths


def _atomic_write(path: Path, text: str) -> None:
    """Every file of this package is written here: through the project's one atomic writer
    (:mod:`auditor.outputs`), failing as a ReportError, and scrubbed of credentials
    (:func:`auditor.redact.redact`): a report is made to be shared."""
    try:
        atomic_write_text(path, redact(text))
    except OutputError as exc:
        raise ReportError(str(exc)) from exc
