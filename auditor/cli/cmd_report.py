"""``auditor report --store PATH [--lineage FILE] [--root ID] --out DIR``: HTML + JSON report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.cli._app import app, console
from auditor.cli._report_options import JUDGE_AGREEMENT

_STYLE = {"degraded": "bold red", "not_degraded": "green", "inconclusive": "yellow"}


@app.command("report")
def report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html and report.json.")],
    store: Annotated[
        Path, typer.Option("--store", help="Results store (SQLite), with verdicts.")
    ] = Path("audit.db"),
    lineage: Annotated[
        Path | None,
        typer.Option("--lineage", help="Lineage file (JSON from `auditor lineage --out`)."),
    ] = None,
    root: Annotated[
        str | None,
        typer.Option(
            "--root",
            help="Root model id. Without --lineage, every other stored model is compared with it.",
        ),
    ] = None,
    judge: Annotated[
        str | None,
        typer.Option("--judge", help="Judge id whose verdicts to use (default: the only one)."),
    ] = None,
    margin: Annotated[
        float, typer.Option("--margin", help="Non-inferiority margin (proportion).")
    ] = 0.03,
    alpha: Annotated[float, typer.Option("--alpha", help="Family-wise error rate.")] = 0.05,
    examples: Annotated[
        int, typer.Option("--examples", help="Discordant examples shown per derivative.")
    ] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Seed for permutation tests.")] = 0,
    judge_agreement: Annotated[list[Path] | None, JUDGE_AGREEMENT] = None,
    from_json: Annotated[
        Path | None,
        typer.Option(
            "--from-json",
            help="Re-render an existing report.json (e.g. one attached to a filing) instead of "
            "building from a store.",
        ),
    ] = None,
) -> None:
    """Compare every derivative with its parent and the root; write report.html + report.json.

    A lineage node is matched to the stored models whose key, repo id, reference or local name equals the node id (`auditor audit` records the mapping itself).
    """  # noqa: E501 (typer rewraps the help text; a hard break here would show as one)
    from auditor.errors import InputError, UsageError
    from auditor.outputs import check_outputs, store_inputs
    from auditor.store import Store
    from reports import (
        REPORT_FILES,
        build_report,
        load_judge_agreement,
        load_report,
        write_report,
    )

    agreement_files = list(judge_agreement or [])
    inputs = [("the lineage file", lineage),
              *(("the judge agreement file", a) for a in agreement_files),
              ("the report being re-rendered", from_json)]
    check_outputs([out / name for name in REPORT_FILES],
                  inputs + ([] if from_json is not None else store_inputs(store)), folders=[out])
    if from_json is not None:
        if lineage is not None or root is not None:
            raise UsageError("--from-json re-renders a finished report: drop --lineage/--root")
        report = load_report(from_json)
        html_path, json_path = write_report(report, out)
        _print_summary(report)
        console.print(f"report: {html_path}\njson:   {json_path}", highlight=False)
        return
    graph = None
    if lineage is not None:
        from lineage import load_graph

        if not lineage.is_file():
            raise InputError(f"no lineage file at {lineage}")
        graph = load_graph(lineage)
    from auditor.compare import ComparisonPolicy, compare_family

    policy = ComparisonPolicy(alpha=alpha, margin=margin, seed=seed, judge_id=judge)
    with Store(store, readonly=True) as db:
        family = compare_family(db, graph, policy, root=root)
    agreement = [load_judge_agreement(path, family.judge_id) for path in agreement_files]
    report = build_report(
        family,
        max_examples=examples,
        store_label=str(store),
        lineage_label=str(lineage) if lineage is not None else None,
        judge_agreement=agreement,
    )
    html_path, json_path = write_report(report, out)
    _print_summary(report)
    console.print(f"report: {html_path}\njson:   {json_path}", highlight=False)


def _print_summary(report: object) -> None:
    from rich.table import Table

    from reports import Report

    assert isinstance(report, Report)
    h = report.headline
    table = Table(title=f"Family of {_plain(report.root)}", title_justify="left")
    for col in ("derivative", "relation", "parent → derivative", "Δ", "p (Holm)", "verdict"):
        table.add_column(col, justify="right" if col in ("Δ", "p (Holm)") else "left")
    for d in report.derivatives:
        rates = f"{_pct(d.parent_unsafe_rate)} → {_pct(d.unsafe_rate)}"
        diff = "–" if d.difference is None else f"{d.difference * 100:+.1f} pp"
        p = "–" if d.p_adjusted is None else f"{d.p_adjusted:.3g}"
        verdict = f"[{_STYLE[d.verdict]}]{d.verdict.replace('_', ' ')}[/]"
        table.add_row(_plain(d.id), _plain(d.relation), rates, diff, p, verdict)
    for n in report.not_audited:
        table.add_row(
            _plain(n.id),
            _plain(n.relation or ""),
            "",
            "",
            "",
            f"[dim]not audited: {_plain(n.reason)}[/]",
        )
    console.print(table)
    console.print(
        f"{h.n_audited} audited: {h.n_degraded} degraded, {h.n_not_degraded} not degraded, "
        f"{h.n_inconclusive} inconclusive; {h.n_not_audited} not audited",
        highlight=False,
    )


def _plain(text: str) -> str:
    """Untrusted text (repo ids, relations, a hand-edited report.json) for the terminal.

    Rich markup is escaped, and characters a terminal would act on or hide (ESC sequences that
    retitle the window or clear the screen, bidi overrides, zero-width) are shown as code points.
    """
    from rich.markup import escape

    from auditor.names import printable

    return escape(printable(text))


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:.1f}%"
