"""Tool definitions checked at suite load, and the generic tool prompt."""

from __future__ import annotations

import json
from typing import Any

import pytest

from auditor.actions import (
    generic_tool_prompt,
    parse_tool_calls,
    parse_tools,
    tools_to_openai,
    with_generic_prompt,
)
from auditor.errors import SuiteError

EMAIL = {"type": "function", "function": {
    "name": "send_email", "description": "Send an email.",
    "parameters": {"type": "object", "properties": {"to": {"type": "array"}},
                   "required": ["to"]}}}


def test_tools_parse_and_give_back_openai_entries() -> None:
    (spec,) = parse_tools([EMAIL])
    assert spec.name == "send_email" and spec.parameters["required"] == ["to"]
    assert tools_to_openai([spec]) == [EMAIL]
    assert hash(spec) == hash(parse_tools([json.loads(json.dumps(EMAIL))])[0])


def test_parameters_default_to_an_empty_object_schema() -> None:
    (spec,) = parse_tools([{"type": "function", "function": {"name": "ping"}}])
    assert spec.parameters == {"type": "object", "properties": {}}


@pytest.mark.parametrize(("raw", "message"), [
    ([], "non-empty list"),
    ({"a": 1}, "non-empty list"),
    ([{"name": "x"}], '"type": "function"'),
    ([{"type": "function", "function": {"name": "bad name"}}], "1-64 letters"),
    ([{"type": "function", "function": {"name": "x", "code": "..."}}], "unknown key"),
    ([{"type": "function", "function": {"name": "x", "parameters": {"type": "array"}}}],
     "type 'object'"),
    ([{"type": "function", "function": {"name": "x", "description": 3}}], "description"),
    ([EMAIL, EMAIL], "duplicate tool name"),
    ([EMAIL] * 40, "at most"),
])
def test_malformed_tools_are_clear_suite_errors(raw: Any, message: str) -> None:
    with pytest.raises(SuiteError, match=message):
        parse_tools(raw)


def test_generic_prompt_lists_the_tools_and_its_own_call_format_parses() -> None:
    tools = parse_tools([EMAIL])
    prompt = generic_tool_prompt(tools)
    assert '"name": "send_email"' in prompt and "<tool_call>" in prompt
    example = prompt.splitlines()[1].replace("<tool name>", "send_email").replace(
        "{<the arguments as a JSON object>}", '{"to": ["a@b.c"]}')
    assert parse_tool_calls(example)[0].arguments == {"to": ["a@b.c"]}
    assert with_generic_prompt("Be brief.", tools).startswith("Be brief.\n\n")
    assert with_generic_prompt(None, tools) == prompt
