"""Tools offered to local models, and the calls read back from their answers.

A request with ``tools`` is rendered through the model's own chat template with the standard
``tools`` variable of Hugging Face templates (a list of OpenAI function definitions). Whether
the template uses it is found by rendering with and without the tools: the same text means the
template ignores them, and the model is given :func:`auditor.actions.generic_tool_prompt` as
(or after) its system message instead. A template that fails only when given tools gets the
generic prompt too. Each result records which was used (``tool_prompt``: ``template`` or
``generic``) and the calls parsed from the answer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from auditor.actions import (
    GENERIC_TOOLS,
    TEMPLATE_TOOLS,
    ToolSpec,
    parse_tool_calls,
    tools_to_openai,
    with_generic_prompt,
)
from auditor.backends._chat import ChatFormat, render_prompt
from auditor.backends._types import GenerationConfig, GenerationRequest, GenerationResult
from auditor.errors import BackendError
from auditor.suites import Message


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """The text a local model is given, and how tools reached it (``""``: no tools)."""

    text: str
    tool_prompt: str = ""


def render_request(
    chat: ChatFormat,
    request: GenerationRequest,
    *,
    bos_token: str = "",
    eos_token: str = "",
    enable_thinking: bool = False,
) -> RenderedPrompt:
    """Render one request, its tools through the template when it reads them."""

    def render(messages: Sequence[Message], tools: Sequence[ToolSpec] = ()) -> str:
        extra = {"tools": tools_to_openai(tools)} if tools else None
        return render_prompt(chat, messages, prefill=request.prefill, bos_token=bos_token,
                             eos_token=eos_token, enable_thinking=enable_thinking, extra=extra)

    plain = render(request.messages)
    if not request.tools:
        return RenderedPrompt(plain)
    if chat.template is not None:
        try:
            with_tools = render(request.messages, request.tools)
        except BackendError:  # a template that breaks on tools cannot be given them
            with_tools = plain
        if with_tools != plain:
            return RenderedPrompt(with_tools, TEMPLATE_TOOLS)
    return RenderedPrompt(render(generic_messages(request.messages, request.tools)),
                          GENERIC_TOOLS)


def render_with_tokenizer(chat: ChatFormat, request: GenerationRequest, tokenizer: Any,
                          config: GenerationConfig) -> RenderedPrompt:
    """:func:`render_request` with a Hugging Face tokenizer's BOS and EOS tokens (the
    transformers and vllm backends)."""
    return render_request(chat, request, bos_token=tokenizer.bos_token or "",
                          eos_token=tokenizer.eos_token or "",
                          enable_thinking=config.enable_thinking)


def generic_messages(messages: Sequence[Message], tools: Sequence[ToolSpec]
                     ) -> tuple[Message, ...]:
    """The messages with the generic tool prompt as (or after) the system message."""
    if messages and messages[0].role == "system":
        return (Message("system", with_generic_prompt(messages[0].content, tools)),
                *messages[1:])
    return (Message("system", with_generic_prompt(None, tools)), *messages)


def with_tool_calls(result: GenerationResult, tool_prompt: str) -> GenerationResult:
    """The result with the calls parsed from its answer and the tool prompt mode recorded
    (unchanged for a request without tools)."""
    if not tool_prompt:
        return result
    calls = parse_tool_calls(result.response) if not result.error else ()
    return dataclasses.replace(result, tool_calls=calls, tool_prompt=tool_prompt)
