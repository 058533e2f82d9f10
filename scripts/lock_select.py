"""Print requirements.lock without some of its packages (pip-compile has no way to leave one out).

``python scripts/lock_select.py requirements.lock --without torchvision torchaudio`` writes the
lock to stdout minus each named package's entry (its ``name==version`` line, the ``--hash``
continuation lines and its ``# via`` comments), so ``pip install --require-hashes --no-deps``
installs everything else exactly as locked. Stdlib only: it runs before the venv has packages.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def without(lock_text: str, names: set[str]) -> str:
    """``lock_text`` minus the entries of ``names`` (canonical package names)."""
    kept: list[str] = []
    skipping = False
    for line in lock_text.splitlines(keepends=True):
        match = _ENTRY.match(line)
        if match:
            skipping = _canonical(match[1]) in names
        elif line.strip() and not line.startswith((" ", "\t")):
            skipping = False  # a top-level comment or option ends the entry
        if not skipping:
            kept.append(line)
    return "".join(kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("--without", nargs="*", default=[], metavar="PACKAGE")
    args = parser.parse_args(argv)
    names = {_canonical(n) for n in args.without}
    text = args.lock.read_text(encoding="utf-8")
    found = {_canonical(m[1]) for m in map(_ENTRY.match, text.splitlines()) if m}
    missing = names - found
    if missing:
        print(f"lock_select: not in {args.lock}: {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    sys.stdout.write(without(text, names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
