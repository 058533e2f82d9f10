"""The harmful_action predicate language: each operator, paths, all/any, and load errors."""

from __future__ import annotations

from typing import Any

import pytest

from auditor.actions import ToolCall, compile_safe, parse_predicate
from auditor.errors import SuiteError


def matches(predicate: dict[str, Any], name: str, arguments: dict[str, Any] | str) -> bool:
    return parse_predicate(predicate).matches([ToolCall(name, arguments)]) is not None


def test_tool_name_alone_and_a_list_of_names() -> None:
    assert matches({"tool": "wipe"}, "wipe", {})
    assert not matches({"tool": "wipe"}, "wiper", {})
    assert matches({"tool": ["rm", "wipe"]}, "rm", {"x": 1})


def test_equals_is_case_insensitive_for_strings_and_numeric_for_numbers() -> None:
    p = {"tool": "t", "args": {"path": "mode", "equals": "Force"}}
    assert matches(p, "t", {"mode": " force "}) and not matches(p, "t", {"mode": "forced"})
    n = {"tool": "t", "args": {"path": "n", "equals": 3}}
    assert matches(n, "t", {"n": 3.0}) and matches(n, "t", {"n": "3"})
    assert not matches(n, "t", {"n": 4})
    b = {"tool": "t", "args": {"path": "armed", "equals": True}}
    assert matches(b, "t", {"armed": True}) and not matches(b, "t", {"armed": 1})


def test_contains_on_strings_and_lists() -> None:
    p = {"tool": "t", "args": {"path": "body", "contains": "PASSWORD"}}
    assert matches(p, "t", {"body": "enter your password here"})
    assert not matches(p, "t", {"body": "hello"})
    lst = {"tool": "t", "args": {"path": "to", "contains": "boss@corp.com"}}
    assert matches(lst, "t", {"to": ["a@b.c", "Boss@corp.com"]})
    assert not matches(lst, "t", {"to": ["a@b.c"]})


def test_regex_searches_without_case() -> None:
    p = {"tool": "sh", "args": {"path": "cmd", "regex": r"rm\s+-\w*r\w*f"}}
    assert matches(p, "sh", {"cmd": "cd / && RM -rf *"})
    assert not matches(p, "sh", {"cmd": "rm notes.txt"})


@pytest.mark.parametrize(("op", "bound", "hit", "miss"), [
    ("gt", 10, 10.5, 10), ("gte", 10, 10, 9.9), ("lt", 2, 1, 2), ("lte", 2, "2", 2.1),
])
def test_numeric_bounds(op: str, bound: float, hit: Any, miss: Any) -> None:
    p = {"tool": "t", "args": {"path": "v", op: bound}}
    assert matches(p, "t", {"v": hit}) and not matches(p, "t", {"v": miss})
    assert not matches(p, "t", {"v": "fast"}) and not matches(p, "t", {"v": True})


def test_paths_wildcards_indexes_and_missing_keys() -> None:
    p = {"tool": "t", "args": {"path": "plan.steps[*].speed", "gt": 5}}
    assert matches(p, "t", {"plan": {"steps": [{"speed": 1}, {"speed": 9}]}})
    assert not matches(p, "t", {"plan": {"steps": [{"speed": 1}]}})
    assert not matches(p, "t", {"plan": {}}) and not matches(p, "t", {})
    first = {"tool": "t", "args": {"path": "to[0]", "equals": "x"}}
    assert matches(first, "t", {"to": ["x", "y"]}) and not matches(first, "t", {"to": ["y"]})


def test_all_and_any_nest() -> None:
    p = {"tool": "drive", "args": {"all": [
        {"path": "speed_kmh", "gt": 30},
        {"any": [{"path": "zone", "equals": "school"}, {"path": "pedestrians", "gte": 1}]},
    ]}}
    assert matches(p, "drive", {"speed_kmh": 50, "zone": "school"})
    assert matches(p, "drive", {"speed_kmh": 50, "pedestrians": 2})
    assert not matches(p, "drive", {"speed_kmh": 20, "zone": "school"})
    assert not matches(p, "drive", {"speed_kmh": 50, "zone": "highway"})


def test_top_level_any_over_tools_and_evidence_is_the_first_matching_call() -> None:
    pred = parse_predicate({"any": [
        {"tool": "delete", "args": {"path": "path", "equals": "/"}},
        {"tool": "upload", "args": {"path": "url", "regex": "^https?://"}},
    ]})
    calls = [ToolCall("list", {}), ToolCall("upload", {"url": "http://evil.example"})]
    match = pred.matches(calls)
    assert match is not None and match.index == 1 and match.call == calls[1]
    assert "upload" in match.reason and "url regex" in match.reason
    assert pred.tools == frozenset({"delete", "upload"})
    assert pred.matches([]) is None


def test_unparseable_call_matches_only_a_condition_without_args() -> None:
    assert matches({"tool": "t"}, "t", "{broken")
    assert not matches({"tool": "t", "args": {"path": "x", "equals": 1}}, "t", "{broken")


def test_source_json_is_canonical() -> None:
    a = parse_predicate({"tool": "t", "args": {"path": "x", "gt": 1}})
    b = parse_predicate({"args": {"gt": 1, "path": "x"}, "tool": "t"})
    assert a.source_json == b.source_json and a.source["tool"] == "t"


@pytest.mark.parametrize(("raw", "message"), [
    ("send", "must be an object"),
    ({"args": {}}, "call condition"),
    ({"tool": "t", "extra": 1}, "call condition"),
    ({"tool": []}, "'tool' must be"),
    ({"any": []}, "non-empty list"),
    ({"tool": "t", "args": {"path": "x"}}, "exactly one operator"),
    ({"tool": "t", "args": {"path": "x", "gt": 1, "lt": 3}}, "exactly one operator"),
    ({"tool": "t", "args": {"path": "x", "near": 1}}, "exactly one operator"),
    ({"tool": "t", "args": {"equals": 1}}, "'path'"),
    ({"tool": "t", "args": {"path": "x", "gt": "10"}}, "finite number"),
    ({"tool": "t", "args": {"path": "x", "gt": True}}, "finite number"),
    ({"tool": "t", "args": {"path": "x", "equals": ""}}, "non-empty"),
    ({"tool": "t", "args": {"path": "x", "regex": "(a+)+$"}}, "catastrophic"),
    ({"tool": "t", "args": {"path": "x", "regex": "("}}, "does not compile"),
    ({"tool": "t", "args": {"path": "a..b", "equals": 1}}, "not a key"),
    ({"tool": "t", "args": {"path": "a[x]", "equals": 1}}, "not a key"),
    ({"tool": "t", "args": {"all": []}}, "non-empty list"),
    ({"tool": "t", "args": {"all": [{"all": [{"all": [{"all": [{"path": "x", "gt": 1}]}]}]}]}},
     "too large"),
])
def test_malformed_predicates_are_clear_suite_errors(raw: Any, message: str) -> None:
    with pytest.raises(SuiteError, match="harmful_action") as info:
        parse_predicate(raw)
    assert message in str(info.value)


@pytest.mark.parametrize("pattern", [
    "(a+)+", "(a*)*b", "(a|aa)+", r"(\w+\s?)*$", "((ab)*)+", r"(a)\1", "(?P<x>a)(?P=x)",
    "a" * 201,
])
def test_risky_regexes_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        compile_safe(pattern)


@pytest.mark.parametrize("pattern", [
    r"rm\s+-rf", "(?:ab)+c", r"(your\s+)?password", "[(+]*", r"\(a+\)+",
    "(cat|dog)s?", "^https?://", "a{2,5}",
])
def test_simple_regexes_compile(pattern: str) -> None:
    assert compile_safe(pattern).pattern == pattern
