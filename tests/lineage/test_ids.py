"""normalize_ref: the dirty base_model values real cards hold."""

from __future__ import annotations

import pytest

from lineage._ids import as_list, normalize_ref


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("google/gemma-3-270m", "google/gemma-3-270m"),
        ("  google/gemma-3-270m \n", "google/gemma-3-270m"),
        ("'google/gemma-3-270m'", "google/gemma-3-270m"),
        ("https://huggingface.co/google/gemma-3-270m", "google/gemma-3-270m"),
        ("https://huggingface.co/google/gemma-3-270m/tree/main", "google/gemma-3-270m"),
        ("http://www.huggingface.co/models/google/gemma-3-270m/", "google/gemma-3-270m"),
        ("hf.co/google/gemma-3-270m", "google/gemma-3-270m"),
        ("huggingface.co/google/gemma-3-270m?x=1", "google/gemma-3-270m"),
        ("gpt2", "gpt2"),
        ("Google/Gemma-3-270M", "Google/Gemma-3-270M"),
    ],
)
def test_hub_ids_are_recovered(raw: str, expected: str) -> None:
    assert normalize_ref(raw).repo_id == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("/home/me/out/checkpoint-500", "local path"),
        ("./output", "local path"),
        ("../base", "local path"),
        ("~/models/x", "local path"),
        ("C:\\models\\x", "local path"),
        ("runs/exp1/final", "local path"),
        ("https://github.com/org/repo", "outside the Hub"),
        ("https://huggingface.co/datasets/org/data", "dataset"),
        ("", "empty"),
        ("   ", "empty"),
        ("not a repo id!", "not a Hub repo id"),
        ("org/na--me", "not a Hub repo id"),
    ],
)
def test_unusable_values_say_why(raw: str, problem: str) -> None:
    ref = normalize_ref(raw)
    assert ref.repo_id is None and problem in (ref.problem or "")


def test_endpoint_host_counts_as_hub() -> None:
    assert normalize_ref("http://127.0.0.1:8080/org/m", ["127.0.0.1:8080"]).repo_id == "org/m"


def test_as_list_tolerates_shapes() -> None:
    assert as_list(None) == [] and as_list("a") == ["a"]
    assert as_list(["a", 3, None, {"name": "b"}]) == ["a", "b"]
    assert as_list({"x": 1}) == []
