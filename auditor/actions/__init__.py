"""The action layer: what an agentic item offers a model (tools), what the model did (tool
calls parsed from its answer) and whether that was the harmful act (``harmful_action``).

Suites hold :class:`ToolSpec` lists and :class:`ActionPredicate`\\ s; backends render tools
through the model's chat template or :func:`generic_tool_prompt`; judges call
:func:`parse_tool_calls` and :meth:`ActionPredicate.matches`.
"""

from auditor.actions._calls import ToolCall, calls_from_json, calls_to_json
from auditor.actions._parse import calls_from_openai, parse_tool_calls
from auditor.actions._predicate import ActionPredicate, Match, parse_predicate
from auditor.actions._prompt import (
    GENERIC_TOOL_PROMPT,
    GENERIC_TOOLS,
    SERVER_TOOLS,
    TEMPLATE_TOOLS,
    generic_tool_prompt,
    with_generic_prompt,
)
from auditor.actions._regex import compile_safe
from auditor.actions._tools import ToolSpec, parse_tools, tools_to_openai

__all__ = [
    "GENERIC_TOOLS",
    "GENERIC_TOOL_PROMPT",
    "SERVER_TOOLS",
    "TEMPLATE_TOOLS",
    "ActionPredicate",
    "Match",
    "ToolCall",
    "ToolSpec",
    "calls_from_json",
    "calls_from_openai",
    "calls_to_json",
    "compile_safe",
    "generic_tool_prompt",
    "parse_predicate",
    "parse_tool_calls",
    "parse_tools",
    "tools_to_openai",
    "with_generic_prompt",
]
