"""Names are data: model ids, family names and file names come from untrusted metadata.

Two places need them tamed, and each has one helper here:

- a folder named after a family or a node (``auditor scan`` writes one report folder per
  family) must stay inside its parent: ``..``, ``a/b``, a leading dot, control characters or a
  Windows device name must not become a path that escapes ``out`` or hides a file;
  :func:`safe_component` maps any text to one safe path component;
- a terminal interprets escape sequences: an id such as ``"x\\x1b]0;pwned\\x07"`` printed raw
  can retitle the window, move the cursor or hide the lines before it, and a right-to-left
  override makes a name read backwards. :func:`printable` shows every character that is not
  printable as its code point, ``[U+001B]``, the way the HTML report shows them, so what the
  CLI prints is what the name is, on one line.
"""

from __future__ import annotations

import re

__all__ = ["printable", "safe_component"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)]
)


def safe_component(name: str, *, default: str = "item", max_length: int = 80) -> str:
    """``name`` as one path component that cannot leave its parent folder.

    Runs of characters other than ASCII letters, digits, ``.``, ``_`` and ``-`` become ``-``;
    leading and trailing dots and dashes go (so ``.``, ``..`` and hidden names cannot
    appear); Windows device names get a suffix; the result is at most ``max_length``
    characters and never empty (``default``). Different names can map to the same component:
    callers that need distinct folders disambiguate (see ``auditor scan``).
    """
    slug = _UNSAFE.sub("-", name)[:max_length].strip("-.")
    if not slug:
        return default
    if slug.split(".")[0].upper() in _WINDOWS_DEVICES:
        slug = f"{slug}-"
    return slug


def printable(text: str) -> str:
    """``text`` with every non-printable character shown as its code point: ``[U+001B]``.

    Non-printable as :meth:`str.isprintable` says: controls (ESC, NUL, newlines), format
    characters (bidi overrides, zero-width joiners), separators other than the ASCII space,
    lone surrogates. Everything else, non-ASCII letters included, is kept. Use it on any name
    or id (and any message quoting one) before printing it to a terminal; escape rich markup
    after it, not before.
    """
    if text.isprintable():  # the common case: nothing to show differently
        return text
    return "".join(ch if ch.isprintable() else f"[U+{ord(ch):04X}]" for ch in text)
