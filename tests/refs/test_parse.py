"""Parsing the one reference syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import ModelReferenceError
from auditor.refs import parse_reference


@pytest.mark.parametrize(
    ("text", "repo", "rev", "sel"),
    [
        ("google/gemma-3-270m", "google/gemma-3-270m", None, None),
        ("google/gemma-3-270m@abc123", "google/gemma-3-270m", "abc123", None),
        ("unsloth/gemma-3-270m-it-GGUF:Q4_K_M", "unsloth/gemma-3-270m-it-GGUF", None, "Q4_K_M"),
        ("org/name-GGUF@v1.0:model.Q8_0.gguf", "org/name-GGUF", "v1.0", "model.Q8_0.gguf"),
    ],
)
def test_hub_references(text: str, repo: str, rev: str | None, sel: str | None) -> None:
    parsed = parse_reference(text)
    assert (parsed.kind, parsed.repo_id, parsed.revision, parsed.selector) == (
        "hub", repo, rev, sel)


def test_openai_reference() -> None:
    parsed = parse_reference("openai:http://127.0.0.1:8000/v1/#org/model:latest")
    assert parsed.kind == "openai"
    assert parsed.base_url == "http://127.0.0.1:8000/v1"
    assert parsed.model == "org/model:latest"


@pytest.mark.parametrize(
    "bad",
    ["", "openai:http://x/v1", "openai:ftp://x#m", "not a reference", "org/", "a/b/c/d e"],
)
def test_bad_references_say_what_is_expected(bad: str) -> None:
    with pytest.raises(ModelReferenceError):
        parse_reference(bad)


def test_missing_local_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(ModelReferenceError, match="no such file or folder"):
        parse_reference(str(missing))
    with pytest.raises(ModelReferenceError, match="no such file"):
        parse_reference("./does-not-exist")


def test_local_paths_and_folder_selector(tmp_path: Path) -> None:
    (tmp_path / "m.gguf").write_bytes(b"x")
    assert parse_reference(str(tmp_path / "m.gguf")).kind == "local"
    parsed = parse_reference(f"{tmp_path}:Q4_K_M")
    assert (parsed.kind, parsed.path, parsed.selector) == ("local", tmp_path, "Q4_K_M")
