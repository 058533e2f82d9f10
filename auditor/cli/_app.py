"""The Typer application object, shared consoles and logging set-up for the CLI."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="auditor",
    help="Audit open-weight model families for safety regressions along the supply chain.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def configure_logging(verbose: int) -> None:
    """Route library logging to stderr through rich; -v for INFO, -vv for DEBUG."""
    from rich.logging import RichHandler

    from auditor.redact import RedactingFilter

    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = RichHandler(console=err_console, show_path=False, markup=False)
    handler.addFilter(RedactingFilter())  # credentials never reach stderr, whoever logs them
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler], force=True)


def _version_callback(value: bool) -> None:
    if value:
        from auditor import __version__

        console.print(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More logging (-vv for debug).")
    ] = 0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """Audit open-weight model families for safety regressions along the supply chain."""
    configure_logging(verbose)
