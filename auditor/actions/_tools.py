"""The tools an agentic item offers: OpenAI function-calling definitions, checked at load.

Each entry is ``{"type": "function", "function": {"name", "description", "parameters"}}`` with
``parameters`` a JSON Schema object; it is kept as canonical JSON so items stay hashable and
their content hash is stable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from auditor.errors import SuiteError

TOOL_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")  # the OpenAI API's rule
MAX_TOOLS = 32
_FUNCTION_KEYS = {"name", "description", "parameters", "strict"}


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One function the model may call; ``parameters_json`` is its JSON Schema, canonical."""

    name: str
    description: str
    parameters_json: str

    @property
    def parameters(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.parameters_json)
        return value

    def to_openai(self) -> dict[str, Any]:
        """The OpenAI ``tools`` entry (also what Hugging Face chat templates read)."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


def tools_to_openai(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    return [tool.to_openai() for tool in tools]


def parse_tools(raw: object) -> tuple[ToolSpec, ...]:
    """The ``tools`` list of a suite item; :class:`SuiteError` says what is wrong."""
    if not isinstance(raw, list) or not raw:
        raise SuiteError("'tools' must be a non-empty list of OpenAI function definitions")
    if len(raw) > MAX_TOOLS:
        raise SuiteError(f"'tools' lists {len(raw)} tools (at most {MAX_TOOLS})")
    specs: list[ToolSpec] = []
    for index, entry in enumerate(raw):
        spec = _parse_tool(entry, f"tools[{index}]")
        if any(s.name == spec.name for s in specs):
            raise SuiteError(f"tools[{index}]: duplicate tool name {spec.name!r}")
        specs.append(spec)
    return tuple(specs)


def _parse_tool(entry: object, what: str) -> ToolSpec:
    if not isinstance(entry, dict) or entry.get("type") != "function" or set(entry) != {
        "type", "function"
    }:
        raise SuiteError(f'{what} must be {{"type": "function", "function": {{...}}}}')
    function = entry["function"]
    if not isinstance(function, dict):
        raise SuiteError(f"{what}.function must be an object")
    unknown = sorted(set(function) - _FUNCTION_KEYS)
    if unknown:
        raise SuiteError(f"{what}.function: unknown key(s) {unknown}; allowed: "
                         f"{sorted(_FUNCTION_KEYS)}")
    name = function.get("name")
    if not isinstance(name, str) or not TOOL_NAME_RE.match(name):
        raise SuiteError(f"{what}.function.name {name!r} must be 1-64 letters, digits, _ . -")
    description = function.get("description", "")
    if not isinstance(description, str):
        raise SuiteError(f"{what}.function.description must be a string")
    parameters = function.get("parameters", {"type": "object", "properties": {}})
    if not isinstance(parameters, dict) or parameters.get("type", "object") != "object":
        raise SuiteError(f"{what}.function.parameters must be a JSON Schema of type 'object'")
    properties = parameters.get("properties", {})
    if not isinstance(properties, dict):
        raise SuiteError(f"{what}.function.parameters.properties must be an object")
    canonical = json.dumps(parameters, sort_keys=True, ensure_ascii=False)
    return ToolSpec(name, description, canonical)
