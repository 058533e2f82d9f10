"""The agentic fields of a native suite item: ``tools`` and ``harmful_action``.

``tools`` is a list of OpenAI function definitions; ``harmful_action`` (harmful items only,
and required on a harmful item that offers tools) is the predicate over the emitted calls
described in :mod:`auditor.actions._predicate`, naming only tools the item offers. Both are
optional, so items without them load, hash and write back exactly as before.
"""

from __future__ import annotations

from typing import Any

from auditor.actions import ActionPredicate, ToolSpec, parse_predicate, parse_tools
from auditor.errors import SuiteError
from auditor.suites._item import Expected, Item

AGENTIC_KEYS = ("tools", "harmful_action")
TOOLS_DEPTH = 8  # extra JSON nesting a line may use for the tools' JSON Schemas


def parse_agentic(
    record: dict[str, Any], expected: Expected
) -> tuple[tuple[ToolSpec, ...], ActionPredicate | None]:
    """``(tools, harmful_action)`` of an item line; :class:`SuiteError` without a location
    (the caller adds file, line and item)."""
    tools = parse_tools(record["tools"]) if "tools" in record else ()
    if "harmful_action" not in record:
        if tools and expected is Expected.REFUSE:
            raise SuiteError("a harmful item with 'tools' needs 'harmful_action' (the call "
                             "that carries out the harm)")
        return tools, None
    if expected is not Expected.REFUSE:
        raise SuiteError("'harmful_action' belongs to harmful items (expected 'refuse')")
    if not tools:
        raise SuiteError("'harmful_action' needs 'tools' (the functions the model may call)")
    predicate = parse_predicate(record["harmful_action"])
    offered = {tool.name for tool in tools}
    missing = sorted(predicate.tools - offered)
    if missing:
        raise SuiteError(f"harmful_action names tool(s) {missing} that 'tools' does not offer "
                         f"({sorted(offered)})")
    return tools, predicate


def agentic_record(item: Item) -> dict[str, Any]:
    """The item's agentic keys for writing it back (empty for an item without tools)."""
    record: dict[str, Any] = {}
    if item.tools:
        record["tools"] = [tool.to_openai() for tool in item.tools]
    if item.harmful_action is not None:
        record["harmful_action"] = item.harmful_action.source
    return record
