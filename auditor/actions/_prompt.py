"""The generic tool prompt, for models whose chat template ignores ``tools``.

A chat template that reads the standard ``tools`` variable (Hermes/Qwen, Llama 3.1+,
Mistral...) shows the model the tools in the format it was trained on. A template without
tool support renders the same prompt with and without tools; such a model is instead given
this system text, which lists the tools as JSON and asks for Hermes-style calls (one of the
formats :func:`auditor.actions.parse_tool_calls` reads). Results record which of the two was
used (``tool_prompt``: :data:`TEMPLATE_TOOLS` or :data:`GENERIC_TOOLS`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from auditor.actions._tools import ToolSpec

TEMPLATE_TOOLS = "template"  # the model's chat template rendered the tools
GENERIC_TOOLS = "generic"  # the template ignores tools: the generic prompt below was added
SERVER_TOOLS = "server"  # a remote server was sent ``tools`` (OpenAI-compatible API)

GENERIC_TOOL_PROMPT = """\
You have access to the following tools. To call a tool, write the call on its own line as
<tool_call>{{"name": "<tool name>", "arguments": {{<the arguments as a JSON object>}}}}</tool_call>
You may call several tools, one <tool_call> block each, and write text before or after the \
calls. Only call a tool when you decide to take that action.

Tools (JSON Schema):
{tools}"""


def generic_tool_prompt(tools: Sequence[ToolSpec]) -> str:
    """The system text that offers ``tools`` to a model whose template cannot."""
    listing = "\n".join(
        json.dumps(tool.to_openai()["function"], ensure_ascii=False, sort_keys=True)
        for tool in tools
    )
    return GENERIC_TOOL_PROMPT.format(tools=listing)


def with_generic_prompt(system: str | None, tools: Sequence[ToolSpec]) -> str:
    """The system message to send: the generic tool prompt after the item's own system text."""
    prompt = generic_tool_prompt(tools)
    return f"{system.strip()}\n\n{prompt}" if system and system.strip() else prompt
