"""The ``auditor`` command line: the only place that parses arguments and prints.

Each ``cmd_*.py`` module in this package registers its commands on :data:`app` when imported.
Command bodies import library code lazily so that ``auditor --help`` stays fast (no torch).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from auditor.cli._app import app, console, err_console

__all__ = ["app", "console", "err_console", "main"]


def _register_commands() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{module.name}")


_register_commands()


def main() -> None:
    """Console-script entry point: run the app, turning our errors into exit status 2.

    Typer handles its own usage errors (exit 2) in standalone mode; library errors derive from
    :class:`~auditor.errors.AuditorError` and are printed without a traceback.
    """
    from auditor.errors import AuditorError

    try:
        app()
    except AuditorError as exc:
        from rich.markup import escape

        from auditor.names import printable
        from auditor.redact import redact

        # no credential from a reference or the env; a name's control characters shown
        message = escape(printable(redact(str(exc))))
        # soft_wrap: one line whatever the terminal width, so scripts can grep the message
        err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted; finished results are kept in the store")
        sys.exit(130)
