"""``auditor scan CONFIG.toml``: scheduled, incremental audits of several families."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.cli._app import app, console


@app.command("scan")
def scan_command(
    config_file: Annotated[
        Path, typer.Argument(metavar="CONFIG.toml", help="Families to scan (see README).")
    ],
) -> None:
    """Audit several families; write an index page and summary.json linking every report.

    Exit status: 3 when any family has a degraded derivative, else 2 when a family could not
    be audited (it is listed in summary.json with the reason; the others still run), else 0.
    Unchanged models are reused from the store, so a nightly scan only evaluates what changed.
    """
    from rich.table import Table

    from auditor.audit import load_scan_config, run_scan
    from auditor.cli.cmd_audit import _AuditDisplay, _shown

    config = load_scan_config(config_file)
    display = _AuditDisplay()
    try:
        summary = run_scan(config, progress=display)
    finally:
        display.close()
    table = Table(title="Scan", title_justify="left")
    for column in ("family", "root", "degraded", "not degraded", "inconclusive",
                   "evaluated/reused", "status"):
        table.add_column(column)
    for f in summary.families:
        table.add_row(_shown(f.name), _shown(f.root), str(f.degraded), str(f.not_degraded),
                      str(f.inconclusive), f"{f.evaluated}/{f.reused}",
                      "ok" if f.status == "ok" else f"[red]{_shown(f.error)}[/]")
    console.print(table)
    console.print(f"index:   {_shown(str(config.out / 'index.html'))}\n"
                  f"summary: {_shown(str(config.out / 'summary.json'))}", highlight=False)
    raise typer.Exit(summary.exit_code)
