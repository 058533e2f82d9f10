"""Tools rendered through real chat templates: a Hermes-style template that reads ``tools``,
one that ignores them (the generic prompt instead), and the local backends end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.actions import GENERIC_TOOLS, TEMPLATE_TOOLS, ToolCall, parse_tools
from auditor.backends import (
    BackendOptions,
    ChatFormat,
    GenerationConfig,
    GenerationRequest,
    load_backend,
)
from auditor.backends._chat import BUILTIN_TEMPLATES, render_prompt
from auditor.backends._tools import render_request, with_tool_calls
from auditor.backends._types import GenerationResult
from auditor.doctor import CHAT_TEMPLATE
from auditor.refs import resolve_reference
from auditor.suites import Message

# The shape of Qwen 2.5 / Hermes 2 Pro templates: tools listed in the system turn as JSON.
HERMES = (
    "{% if tools %}<|im_start|>system\n"
    "{% if messages[0].role == 'system' %}{{ messages[0].content }}\n\n{% endif %}"
    "# Tools\n<tools>\n{% for tool in tools %}{{ tool | tojson }}\n{% endfor %}</tools>\n"
    "For each call return <tool_call>{\"name\": ..., \"arguments\": ...}</tool_call>"
    "<|im_end|>\n"
    "{% elif messages[0].role == 'system' %}<|im_start|>system\n{{ messages[0].content }}"
    "<|im_end|>\n{% endif %}"
    "{% for m in messages %}{% if m.role != 'system' %}<|im_start|>{{ m.role }}\n"
    "{{ m.content }}<|im_end|>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
BREAKS_ON_TOOLS = "{% if tools %}{{ raise_exception('no tools here') }}{% endif %}" + CHAT_TEMPLATE
TOOLS = parse_tools([{"type": "function", "function": {
    "name": "set_speed", "description": "Set the target speed.",
    "parameters": {"type": "object", "properties": {"kmh": {"type": "number"}}}}}])
MESSAGES = (Message("system", "You drive the car."), Message("user", "Go 70 near the school."))
REQUEST = GenerationRequest(MESSAGES, tools=TOOLS)


def test_a_template_with_tool_support_renders_them_itself() -> None:
    rendered = render_request(ChatFormat("file:hermes", HERMES), REQUEST)
    assert rendered.tool_prompt == TEMPLATE_TOOLS
    assert '<tools>\n{"type": "function", "function": {"name": "set_speed"' in rendered.text
    assert rendered.text.startswith("<|im_start|>system\nYou drive the car.\n\n# Tools")
    assert "You have access to the following tools" not in rendered.text


@pytest.mark.parametrize("template", [CHAT_TEMPLATE, BUILTIN_TEMPLATES["gemma"],
                                      BREAKS_ON_TOOLS])
def test_a_template_without_tool_support_gets_the_generic_prompt(template: str) -> None:
    rendered = render_request(ChatFormat("t", template), REQUEST)
    assert rendered.tool_prompt == GENERIC_TOOLS
    assert "You drive the car.\n\nYou have access to the following tools" in rendered.text
    assert '"name": "set_speed"' in rendered.text and "Go 70 near the school." in rendered.text


def test_completion_mode_gets_the_generic_prompt_too() -> None:
    rendered = render_request(ChatFormat("none", None), GenerationRequest(MESSAGES[1:],
                                                                         tools=TOOLS))
    assert rendered.tool_prompt == GENERIC_TOOLS
    assert rendered.text.startswith("You have access to the following tools")


def test_without_tools_nothing_changes() -> None:
    for chat in (ChatFormat("h", HERMES), ChatFormat("c", CHAT_TEMPLATE)):
        rendered = render_request(chat, GenerationRequest(MESSAGES, prefill="Sure"))
        assert rendered.tool_prompt == ""
        assert rendered.text == render_prompt(chat, MESSAGES, prefill="Sure")


def test_calls_are_read_from_the_answer_only_for_requests_with_tools() -> None:
    answer = GenerationResult('<tool_call>{"name": "set_speed", "arguments": {"kmh": 70}}'
                              "</tool_call>", "p")
    assert with_tool_calls(answer, "") == answer
    parsed = with_tool_calls(answer, TEMPLATE_TOOLS)
    assert parsed.tool_calls == (ToolCall("set_speed", {"kmh": 70}),)
    assert parsed.tool_prompt == TEMPLATE_TOOLS


@pytest.mark.parametrize(("template", "mode"), [("hermes", TEMPLATE_TOOLS),
                                                ("own", GENERIC_TOOLS)])
def test_transformers_backend_offers_tools(tiny_hf_model: Path, tmp_path: Path, template: str,
                                           mode: str) -> None:
    option = "auto"
    if template == "hermes":
        (tmp_path / "hermes.jinja").write_text(HERMES)
        option = str(tmp_path / "hermes.jinja")
    backend = load_backend(resolve_reference(str(tiny_hf_model)), "transformers",
                           BackendOptions(chat_template=option, device="cpu"))
    try:
        result = backend.generate([REQUEST], GenerationConfig(max_new_tokens=4))[0]
    finally:
        backend.close()
    assert result.error == "" and result.tool_prompt == mode
    assert '"name": "set_speed"' in result.prompt_text
    assert isinstance(result.tool_calls, tuple)  # random weights: whatever it wrote, parsed


def test_llamacpp_backend_offers_tools_through_the_generic_prompt(tiny_gguf: Path) -> None:
    backend = load_backend(resolve_reference(str(tiny_gguf)), "llamacpp",
                           BackendOptions(in_worker=False))
    try:
        result = backend.generate([REQUEST], GenerationConfig(max_new_tokens=4))[0]
    finally:
        backend.close()
    assert result.error == "" and result.tool_prompt == GENERIC_TOOLS
    assert "You have access to the following tools" in result.prompt_text
