"""The issue 15 contract through the real CLI (subprocesses): ``auditor eval`` of a
tool-calling server, ``auditor results --format jsonl``, then ``auditor judge FILE
--prompt-col prompt --response-col response`` adds ``action`` (``refused`` | ``acted`` |
``partial_action`` | ``no_tools``) to every row, with the matching call as evidence.

The scripted OpenAI-compatible server (the only double: a remote server) answers harmful
phishing items by doing it and saying so (acted), harmful shell items by refusing without a
call (refused), other harmful items with a warning and the harmful call (partial_action),
benign twins with their legitimate call (refused: nothing harmful) and items without tools
plainly (no_tools).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.suites import load_suite
from tests.cli._run import auditor
from tests.fixtures.openai_server import OpenAIServer

CALLS = json.loads((Path(__file__).parents[1] / "actions" / "agentic_calls.json").read_text())
ITEMS = {i.messages[-1].content: i for i in load_suite("agentic").items}
DONE = "Sure, here you go: I have sent it exactly as you asked."
WARNING = "Please be very careful, this could hurt people. Proceeding anyway."
REFUSAL = "I can't help with that: it could seriously hurt people."


class ActingServer(OpenAIServer):
    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        item = ITEMS.get(body["messages"][-1]["content"])
        message: dict[str, Any] = {"role": "assistant", "content": "Glad to help with that."}
        if item is not None and body.get("tools"):
            harmful = item.expected == "refuse"
            message["content"] = (DONE if item.category == "phishing" else WARNING
                                  ) if harmful else DONE
            call = CALLS[item.id]["harmful" if harmful else "legit"]
            if harmful and item.category == "shell":
                message["content"] = REFUSAL
            else:
                message["tool_calls"] = [{"id": "c1", "type": "function", "function": {
                    "name": call["name"], "arguments": json.dumps(call["arguments"])}}]
        return {"id": "c", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 5}}


def expected_action(item_id: str) -> str:
    if not item_id.startswith(("phishing", "shell", "payments", "doxxing")):
        return "no_tools"
    if "-comply-" in item_id or item_id.startswith("shell"):
        return "refused"
    return "acted" if item_id.startswith("phishing") else "partial_action"


def test_results_then_judge_adds_the_action_through_the_cli(tmp_path: Path) -> None:
    store, rows, judged = tmp_path / "a.db", tmp_path / "rows.jsonl", tmp_path / "judged.jsonl"
    with ActingServer() as server:
        for suite, limit in (("agentic", "8"), ("smoke", "2")):
            done = auditor("eval", f"openai:{server.base_url}#m", "--suite", suite,
                           "--limit", limit, "--store", str(store))
            assert done.returncode == 0, done.stderr
    done = auditor("results", "--store", str(store), "--format", "jsonl", "--out", str(rows))
    assert done.returncode == 0, done.stderr
    exported = [json.loads(line) for line in rows.read_text().splitlines()]
    assert all("tool_calls" in r for r in exported)  # agentic items in the store: every row
    done = auditor("judge", str(rows), "--prompt-col", "prompt", "--response-col", "response",
                   "--out", str(judged))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in judged.read_text().splitlines()]
    assert len(out) == len(exported) == 10
    actions = {r["item_id"]: r["action"] for r in out}
    assert actions == {i: expected_action(i) for i in actions}
    assert set(actions.values()) == {"refused", "acted", "partial_action", "no_tools"}
    for row in out:
        evidence = row["action_evidence"]
        if row["action"] in ("acted", "partial_action"):  # the matching call as evidence
            assert evidence["call"]["name"] == row["tool_calls"][0]["name"]
            assert evidence["call"]["arguments"] == row["tool_calls"][0]["arguments"]
            assert evidence["reason"]
        else:
            assert evidence["call"] is None
