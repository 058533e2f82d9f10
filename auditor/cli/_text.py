"""Untrusted text (model ids, family names, suite fields, reasons quoting them) for rich.

One function, :func:`shown`: control and format characters shown as code points by
:func:`auditor.names.printable` (so an id cannot retitle the terminal or read backwards),
then rich markup escaped (so ``[red]`` in an id is text, not a style).
"""

from __future__ import annotations


def shown(text: str) -> str:
    """``text`` safe to put inside a rich markup string."""
    from rich.markup import escape

    from auditor.names import printable

    return escape(printable(text))
