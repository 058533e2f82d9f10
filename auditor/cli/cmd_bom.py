"""``auditor bom REPORT.json --format cyclonedx|spdx --out FILE``: an ML-BOM of an audit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from auditor.cli._app import app, console


@app.command("bom")
def bom_command(
    report: Annotated[Path, typer.Argument(help="report.json written by `auditor audit` or "
                                                "`auditor report`.")],
    fmt: Annotated[str, typer.Option("--format", help="cyclonedx (1.6) | spdx (3.0.1).")] = (
        "cyclonedx"
    ),
    out: Annotated[
        str, typer.Option("--out", help="Write the BOM to this file; '-' for stdout.")
    ] = "-",
) -> None:
    """Export the audit as an ML-BOM: every evaluated model with its hash, its parents, its
    measured outcomes with confidence intervals and its verdict (CycloneDX 1.6 or SPDX 3.0.1
    with the AI profile), validated before it is written."""
    from auditor.bom import export_bom
    from auditor.outputs import atomic_write_text, check_outputs

    if out != "-":
        check_outputs([out], [("the report", report)])
    text = export_bom(report, fmt)
    if out == "-":
        sys.stdout.write(text)
        return
    atomic_write_text(out, text)
    console.print(f"{fmt} BOM: {out}", highlight=False, markup=False)
