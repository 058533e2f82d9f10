"""Tool calls a model emitted: the unit the action layer judges."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_NAME = 200  # a longer "name" is not a function name but text that looked like one


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One call. ``arguments`` is the decoded JSON object, or the raw text when the call could
    not be parsed (``parse_error`` then says why); an unparseable call is kept, never dropped.
    """

    name: str
    arguments: dict[str, Any] | str
    parse_error: str = ""

    @property
    def parsed(self) -> bool:
        return not self.parse_error

    def to_json(self) -> dict[str, Any]:
        """``{name, arguments}`` (plus ``parse_error`` for an unparseable call)."""
        data: dict[str, Any] = {"name": self.name, "arguments": self.arguments}
        if self.parse_error:
            data["parse_error"] = self.parse_error
        return data


def calls_to_json(calls: Sequence[ToolCall]) -> str:
    """The calls as a JSON list of ``{name, arguments}`` (the form results and the store use)."""
    return json.dumps([c.to_json() for c in calls], ensure_ascii=False, sort_keys=True)


def calls_from_json(text: str) -> tuple[ToolCall, ...]:
    """The calls of :func:`calls_to_json` (``""`` is no calls); ``ValueError`` when damaged."""
    if not text:
        return ()
    value = json.loads(text)
    if not isinstance(value, list):
        raise ValueError("tool calls must be a JSON list")
    out = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ValueError("each tool call must be an object with a string 'name'")
        arguments = entry.get("arguments", {})
        if not isinstance(arguments, dict | str):
            raise ValueError("tool call arguments must be an object or a string")
        out.append(ToolCall(entry["name"], arguments, str(entry.get("parse_error", ""))))
    return tuple(out)
