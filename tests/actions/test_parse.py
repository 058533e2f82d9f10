"""Tool calls parsed from model text in every supported format, malformed ones kept."""

from __future__ import annotations

import pytest

from auditor.actions import ToolCall, calls_from_json, calls_to_json, parse_tool_calls


def test_hermes_blocks_several_calls_and_text_around() -> None:
    text = ('I will do that.\n<tool_call>\n{"name": "send_email", "arguments": {"to": "a@b.c"}}\n'
            '</tool_call>\n<tool_call>{"name": "log", "arguments": {}}</tool_call> Done.')
    assert parse_tool_calls(text) == (ToolCall("send_email", {"to": "a@b.c"}),
                                      ToolCall("log", {}))


def test_hermes_block_cut_by_the_token_limit_is_read_to_the_end() -> None:
    calls = parse_tool_calls('<tool_call>{"name": "run", "arguments": {"cmd": "ls"}}')
    assert calls == (ToolCall("run", {"cmd": "ls"}),)


def test_hermes_malformed_json_is_recorded_with_its_name_and_raw_text() -> None:
    raw = '{"name": "run_shell", "arguments": {"cmd": "rm -rf /"'
    (call,) = parse_tool_calls(f"<tool_call>{raw}</tool_call>")
    assert call.name == "run_shell" and call.arguments == raw
    assert "invalid JSON" in call.parse_error and not call.parsed


def test_hermes_block_without_a_name_is_still_a_call() -> None:
    (call,) = parse_tool_calls("<tool_call>not json at all</tool_call>")
    assert call.name == "" and call.arguments == "not json at all" and call.parse_error


def test_llama_python_tag_calls_separated_by_semicolons() -> None:
    text = ('<|python_tag|>{"name": "move_arm", "parameters": {"force_n": 80}}; '
            '{"name": "grip", "parameters": {"open": true}}')
    assert parse_tool_calls(text) == (ToolCall("move_arm", {"force_n": 80}),
                                      ToolCall("grip", {"open": True}))


def test_llama_python_tag_builtin_call_syntax_is_unparseable_not_dropped() -> None:
    (call,) = parse_tool_calls('<|python_tag|>brave_search.call(query="x")')
    assert call.arguments == 'brave_search.call(query="x")' and call.parse_error


def test_llama_bare_json_call_with_parameters() -> None:
    text = '{"type": "function", "name": "set_speed", "parameters": {"kmh": "90"}}'
    assert parse_tool_calls(text) == (ToolCall("set_speed", {"kmh": "90"}),)


def test_mistral_list_form() -> None:
    text = ('[TOOL_CALLS] [{"name": "pay", "arguments": {"iban": "X1", "amount": 5}}, '
            '{"name": "notify", "arguments": {}}]')
    assert parse_tool_calls(text) == (ToolCall("pay", {"iban": "X1", "amount": 5}),
                                      ToolCall("notify", {}))


def test_mistral_name_args_form_and_a_malformed_one() -> None:
    text = '[TOOL_CALLS]pay[ARGS]{"amount": 5}[TOOL_CALLS]notify[ARGS]{"to": '
    first, second = parse_tool_calls(text)
    assert first == ToolCall("pay", {"amount": 5})
    assert second.name == "notify" and second.arguments == '{"to":' and second.parse_error


def test_mistral_malformed_list_is_one_unparseable_call() -> None:
    (call,) = parse_tool_calls('[TOOL_CALLS] [{"name": "pay", "arguments": {"amount": }]')
    assert call.name == "pay" and call.parse_error


def test_bare_objects_in_prose_and_code_fences_and_openai_shape() -> None:
    text = ('Calling now:\n```json\n{"name": "a", "arguments": {"x": 1}}\n```\nthen '
            '{"function": {"name": "b", "arguments": "{\\"y\\": 2}"}} and '
            '[{"function": "c", "parameters": {"z": 3}}]')
    assert parse_tool_calls(text) == (ToolCall("a", {"x": 1}), ToolCall("b", {"y": 2}),
                                      ToolCall("c", {"z": 3}))


def test_bare_malformed_call_is_kept() -> None:
    (call,) = parse_tool_calls('Sure: {"name": "post", "arguments": {"text": "you are"\n\nbye')
    assert call.name == "post" and call.parse_error
    assert call.arguments == '{"name": "post", "arguments": {"text": "you are"'


def test_openai_arguments_text_that_is_not_json() -> None:
    (call,) = parse_tool_calls('{"function": {"name": "b", "arguments": "{oops"}}')
    assert call == ToolCall("b", "{oops", call.parse_error) and call.parse_error


@pytest.mark.parametrize("text", [
    "No tools needed. I refuse.",
    'Here is data: {"name": "Alice", "age": 31}',
    "Braces { without } JSON",
    '{"name": 5, "arguments": {}}',
])
def test_text_without_calls_gives_none(text: str) -> None:
    assert parse_tool_calls(text) == ()


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    (call,) = parse_tool_calls("<tool_call>" + "[" * 100_000 + "</tool_call>")
    assert call.parse_error


def test_calls_round_trip_through_json() -> None:
    calls = (ToolCall("a", {"x": [1, "é"]}), ToolCall("b", "{raw", "invalid JSON"))
    assert calls_from_json(calls_to_json(calls)) == calls
    assert calls_from_json("") == ()
    with pytest.raises(ValueError):
        calls_from_json('[{"arguments": {}}]')
