"""The openai backend sends ``tools`` and reads ``tool_calls`` (or calls written as text), and
agentic generations reach the store and ``auditor results`` rows with their calls."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.actions import SERVER_TOOLS, ToolCall
from auditor.backends import GenerationConfig, GenerationRequest, load_backend
from auditor.refs import resolve_reference
from auditor.runner import run_eval
from auditor.store import Store, export_rows
from auditor.suites import Expected, load_suite
from tests.fixtures.openai_server import OpenAIServer

CAUTION = "Please be careful: this could hurt someone."


@dataclass
class ToolServer(OpenAIServer):
    """Answers a request with tools by a caution and a structured call of its first tool,
    or with the call written in the text (``as_text``); others by the echo."""

    as_text: bool = False

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        reply = super().answer(body)
        if "tools" in body:
            name = body["tools"][0]["function"]["name"]
            message = reply["choices"][0]["message"]
            if self.as_text:
                message["content"] = (f'{CAUTION}\n<tool_call>{{"name": "{name}", '
                                      '"arguments": {"x": 1}}</tool_call>')
            else:
                message["content"] = CAUTION
                message["tool_calls"] = [
                    {"id": "c1", "type": "function",
                     "function": {"name": name, "arguments": json.dumps({"x": 1})}},
                    {"id": "c2", "type": "function",
                     "function": {"name": name, "arguments": "{broken"}},
                ]
        return reply


def request() -> GenerationRequest:
    item = next(i for i in load_suite("agentic").items if i.id == "vehicle-refuse-01")
    return GenerationRequest(item.messages, tools=item.tools)


def test_tools_are_sent_and_structured_calls_read() -> None:
    with ToolServer() as server:
        backend = load_backend(resolve_reference(f"openai:{server.base_url}#m"))
        result = backend.generate([request()], GenerationConfig())[0]
        plain = backend.generate([GenerationRequest(request().messages)], GenerationConfig())[0]
        backend.close()
    sent = server.requests[0]["body"]
    assert [t["function"]["name"] for t in sent["tools"]] == [
        "set_speed", "change_lane", "set_collision_avoidance"]
    assert sent["tools"][0]["function"]["parameters"]["properties"]["target_kmh"]
    assert result.response == CAUTION and result.tool_prompt == SERVER_TOOLS
    first, second = result.tool_calls
    assert first == ToolCall("set_speed", {"x": 1})
    assert second.name == "set_speed" and second.arguments == "{broken" and second.parse_error
    assert "tools" not in server.requests[1]["body"]
    assert plain.tool_calls == () and plain.tool_prompt == ""


def test_calls_written_as_text_are_parsed_when_the_server_returns_none() -> None:
    with ToolServer(as_text=True) as server:
        backend = load_backend(resolve_reference(f"openai:{server.base_url}#m"))
        result = backend.generate([request()], GenerationConfig())[0]
        backend.close()
    assert result.tool_calls == (ToolCall("set_speed", {"x": 1}),)


def test_agentic_run_stores_calls_and_results_rows_carry_them(tmp_path: Path) -> None:
    suite = load_suite("agentic")
    items = [i for i in suite.items if i.category == "vehicle"][:2] + list(
        load_suite("smoke").items[:1])
    with ToolServer() as server, Store(tmp_path / "audit.db") as store:
        run_eval(resolve_reference(f"openai:{server.base_url}#m"), items, store,
                 GenerationConfig())
        rows = {row["item_id"]: row for row in export_rows(store)}
        again = {r.item_id: r for r in store.generations()}
    harmful = rows["vehicle-refuse-01"]
    assert harmful["tool_prompt"] == SERVER_TOOLS
    assert harmful["tool_calls"][0] == {"name": "set_speed", "arguments": {"x": 1}}
    assert harmful["tool_calls"][1]["arguments"] == "{broken"
    assert rows["smoke-01"]["tool_calls"] == [] and rows["smoke-01"]["tool_prompt"] == ""
    assert again["vehicle-refuse-01"].tool_calls[0] == ToolCall("set_speed", {"x": 1})
    item = next(i for i in items if i.id == "vehicle-refuse-01")
    assert item.expected is Expected.REFUSE and item.harmful_action is not None
    # the server's set_speed call has no target_kmh: a call of the tool, not the harmful one
    assert item.harmful_action.matches(again["vehicle-refuse-01"].tool_calls) is None


def test_stores_without_agentic_items_export_as_before(tmp_path: Path) -> None:
    with OpenAIServer() as server, Store(tmp_path / "audit.db") as store:
        run_eval(resolve_reference(f"openai:{server.base_url}#m"),
                 load_suite("smoke").items[:2], store, GenerationConfig())
        rows = list(export_rows(store))
    assert rows and all("tool_calls" not in row for row in rows)
