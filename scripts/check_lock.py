"""Fail when requirements.lock no longer satisfies pyproject.toml (run `make lock`).

Every dependency of the core install and of the extras the lock is built from must be pinned
in the lock at a version its specifier accepts. Run with the project's virtual environment
(it needs ``packaging``): ``python scripts/check_lock.py [pyproject.toml] [requirements.lock]``.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

LOCKED_EXTRAS = ("hf", "gguf", "filing", "ray", "vllm", "dev")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def pins(lock_text: str) -> dict[str, Version]:
    """``name -> version`` for every ``name==version`` line of a pip-compile lock."""
    return {canonicalize_name(m[1]): Version(m[2]) for m in _PIN.finditer(lock_text)}


def stale_reasons(pyproject: dict, locked: dict[str, Version]) -> list[str]:
    """What the lock lacks or pins outside pyproject's ranges (empty when it is current)."""
    project = pyproject["project"]
    wanted = list(project.get("dependencies", []))
    for extra in LOCKED_EXTRAS:
        wanted += project.get("optional-dependencies", {}).get(extra, [])
    problems = []
    for text in wanted:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name not in locked:
            problems.append(f"{req.name} is not in the lock")
        elif not req.specifier.contains(locked[name], prereleases=True):
            problems.append(f"pyproject asks for {text!r} but the lock pins {locked[name]}")
    return problems


def main(argv: list[str]) -> int:
    pyproject_path = Path(argv[0] if argv else "pyproject.toml")
    lock_path = Path(argv[1] if len(argv) > 1 else "requirements.lock")
    if not lock_path.is_file():
        print(f"error: {lock_path} is missing: run `make lock`", file=sys.stderr)
        return 1
    problems = stale_reasons(tomllib.loads(pyproject_path.read_text()),
                             pins(lock_path.read_text()))
    if problems:
        print(f"error: {lock_path} is stale (run `make lock` and commit it):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"{lock_path}: every dependency of pyproject.toml is pinned within its range")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
