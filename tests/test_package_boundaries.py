"""Package boundaries: no module imports another package's private module.

A package's private modules (`_name.py`, `_name/`) are its own business; code outside the
package goes through the names its `__init__` exports. A module's own package and that
package's sub-packages count as inside. Top-level modules without an underscore
(`auditor/errors.py`) are public.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_PACKAGES = ("auditor", "lineage", "reports")


def _package_of(path: Path, root: Path) -> str:
    """The package a file belongs to (a package's `__init__` belongs to itself)."""
    return ".".join(path.relative_to(root).parent.parts)


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _owner(dotted: str, root: Path) -> str | None:
    """The package owning the first private component of `dotted`, or None if all public.

    A private name of a public module (`a.b.mod._name`) belongs to that module's package.
    """
    parts = dotted.split(".")
    for index, part in enumerate(parts):
        if _is_private(part):
            owner = parts[:index]
            if not root.joinpath(*owner).is_dir():
                owner = owner[:-1]
            return ".".join(owner)
    return None


def _is_inside(importer_package: str, owner: str) -> bool:
    return importer_package == owner or importer_package.startswith(owner + ".")


def _resolve_relative(package: str, module: str | None, level: int) -> str:
    base = package.split(".")
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _imported_names(package: str, tree: ast.AST, root: Path) -> list[tuple[int, str]]:
    """Every dotted name a file imports, with its line (`from a import b` gives `a.b`)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                module = _resolve_relative(package, node.module, node.level)
            else:
                module = node.module or ""
            if _owner(module, root) is not None:
                found.append((node.lineno, module))
            else:
                found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _violations(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    importer = _package_of(path, root)
    result = []
    for line, dotted in _imported_names(importer, tree, root):
        if dotted.split(".")[0] not in TOP_PACKAGES:
            continue
        owner = _owner(dotted, root)
        if owner is not None and not _is_inside(importer, owner):
            result.append(f"{path.relative_to(root)}:{line}: {dotted} (private to {owner})")
    return result


def _sources() -> list[Path]:
    return sorted(
        path
        for top in TOP_PACKAGES
        for path in (ROOT / top).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def test_no_import_of_another_packages_private_module() -> None:
    violations = [v for path in _sources() for v in _violations(path)]
    assert not violations, f"{len(violations)} imports reach into another package's privates:\n" + (
        "\n".join(violations)
    )


@pytest.mark.parametrize(
    ("source", "file", "expected"),
    [
        ("from auditor.store._store import Store", "auditor/runner/_run.py", 1),
        ("import lineage._graph", "auditor/audit/_x.py", 1),
        ("from reports import _model", "auditor/cli/cmd_report.py", 1),
        ("from .._store import Store", "auditor/runner/_x.py", 0),  # auditor._store: owner auditor
        ("from ..store._store import Store", "auditor/runner/_x.py", 1),
        ("from auditor.runner._run import run_eval", "auditor/runner/_x.py", 0),
        ("from auditor.judges._harm import x", "auditor/judges/sub/_y.py", 0),
        ("from ._model import Report", "reports/_build.py", 0),
        ("from auditor.store import Store", "auditor/runner/_x.py", 0),
        ("from auditor import __version__", "lineage/_x.py", 0),
        ("from auditor.errors import InputError", "lineage/_x.py", 0),
        ("from auditor.cli.cmd_audit import _shown", "auditor/cli/cmd_scan.py", 0),
    ],
)
def test_checker_classifies_imports(tmp_path: Path, source: str, file: str, expected: int) -> None:
    for package in ("auditor/store", "auditor/runner", "auditor/judges/sub", "auditor/cli"):
        (tmp_path / package).mkdir(parents=True, exist_ok=True)
    path = tmp_path / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source + "\n", encoding="utf-8")
    assert len(_violations(path, tmp_path)) == expected
