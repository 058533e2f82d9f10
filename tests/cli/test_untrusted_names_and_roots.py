"""The CLI on untrusted names and unreadable roots: `auditor lineage` exits 2 when the Hub's
root cannot be read (what was found is still shown); ids, suite fields and error lines show
control characters as [U+001B] instead of letting the terminal obey them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lineage import load_graph
from tests.cli._run import auditor
from tests.lineage.hub_server import HubServer


@pytest.fixture
def hub() -> Iterator[HubServer]:
    with HubServer() as server:
        server.add_model("org/base", downloads=10)
        server.add_model("org/base-GGUF", base_model="org/base", relation="quantized",
                         files=["base.Q4_K_M.gguf"])
        yield server


def _env(hub: HubServer, tmp_path: Path) -> dict[str, str]:
    return {"HF_ENDPOINT": hub.url, "AUDITOR_CACHE": str(tmp_path / "cache"),
            "HF_HOME": str(tmp_path / "hf"), "HF_TOKEN": ""}


@pytest.mark.parametrize("status", [401, 500])
def test_an_unreadable_root_exits_2_and_says_why(
    hub: HubServer, tmp_path: Path, status: int
) -> None:
    hub.fail("/api/models/org/base?", status, times=100)
    hub.fail("/api/models/org/base/", status, times=100)
    out = tmp_path / "family.json"
    result = auditor("lineage", "org/base", "--out", str(out), env=_env(hub, tmp_path))
    assert result.returncode == 2, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "the root org/base could not be read" in errors[0]
    assert str(status) in errors[0]
    assert load_graph(out).root_node.status == "error"  # what was found is kept


def test_a_readable_root_still_exits_0(hub: HubServer, tmp_path: Path) -> None:
    result = auditor("lineage", "org/base", env=_env(hub, tmp_path))
    assert result.returncode == 0, result.stderr
    assert "org/base-GGUF" in result.stdout


def test_a_missing_root_outside_local_folders_is_not_an_error(tmp_path: Path) -> None:
    """Locally, a parent that is not among the folders is "missing" by design."""
    folder = tmp_path / "ft"
    folder.mkdir()
    (folder / "README.md").write_text("---\nbase_model: org/not-here\n---\n")
    result = auditor("lineage", "--local", str(folder))
    assert result.returncode == 0, result.stderr


def test_ids_with_control_characters_are_shown_not_obeyed(tmp_path: Path) -> None:
    base = tmp_path / "base"
    evil = tmp_path / "ft\x1b]0;pwned\x07"
    for folder in (base, evil):
        folder.mkdir()
    (evil / "README.md").write_text("---\nbase_model: base\n---\n")
    result = auditor("lineage", "--local", str(base), str(evil))
    assert result.returncode == 0, result.stderr
    assert "\x1b]" not in result.stdout and "\x07" not in result.stdout
    assert "ft[U+001B]]0;pwned[U+0007]" in result.stdout
    root = tmp_path / "root\x1b]0;pwned\x07"
    root.mkdir()
    saved = auditor("lineage", "--local", str(root), "--out", str(tmp_path / "f.json"))
    assert saved.returncode == 0, saved.stderr
    assert "\x1b]" not in saved.stderr
    assert "lineage of root[U+001B]]0;pwned[U+0007]" in saved.stderr


def test_the_error_line_shows_control_characters(tmp_path: Path) -> None:
    result = auditor("audit", "--config", str(tmp_path / "x\x1b[2Jy.toml"))
    assert result.returncode == 2
    assert "\x1b[2J" not in result.stderr
    assert "x[U+001B][2Jy.toml does not exist" in result.stderr


def test_suite_fields_with_control_characters_are_shown_not_obeyed(tmp_path: Path) -> None:
    from tests.cli._run import write_suite

    path = write_suite(tmp_path / "mini.jsonl", 2)
    lines = path.read_text().splitlines()
    lines[0] = lines[0].replace('"test suite"', '"evil \\u001b]0;pwned\\u0007 \\u202e"')
    path.write_text("\n".join(lines) + "\n")
    result = auditor("suites", "show", str(path))
    assert result.returncode == 0, result.stderr
    assert "\x1b]" not in result.stdout and "\u202e" not in result.stdout
    assert "evil [U+001B]]0;pwned[U+0007] [U+202E]" in result.stdout
