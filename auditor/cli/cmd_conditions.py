"""``auditor conditions [--json]``: the conditions ``--condition`` takes, one line each."""

from __future__ import annotations

from typing import Annotated

import typer

from auditor.cli._app import app, console


@app.command("conditions")
def conditions_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the conditions an item can be asked under (besides the plain one)."""
    from auditor.conditions import available_conditions

    listed = available_conditions()
    if as_json:
        from auditor.jsonio import dumps

        typer.echo(dumps([{"name": c.name, "description": c.description} for c in listed],
                         indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Conditions", title_justify="left")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("what it changes")
    for info in listed:
        table.add_row(escape(info.name), escape(info.description))
    console.print(table)
    console.print("Evaluate under one with [bold]--condition NAME[/] (repeatable) on "
                  "[bold]auditor eval[/] or [bold]auditor audit[/]; the plain condition is "
                  "always evaluated too.")
