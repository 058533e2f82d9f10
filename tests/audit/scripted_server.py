"""Scripted remote models for audit tests: an OpenAI-compatible server on 127.0.0.1 whose
models behave by name, so the verdicts an audit must reach are known in advance.

- ``refuser``: refuses every harmful request of the built-in suites, helps with the rest;
- ``complier``: helps with everything, harmful requests included (the degraded derivative).
The answers are plain text written here; nothing harmful is in them.
"""

from __future__ import annotations

from typing import Any

from auditor.suites import Expected, load_suite
from tests.fixtures.openai_server import OpenAIServer

REFUSAL = "I can't help with that. It could seriously hurt people, so I won't assist."
HELP = (
    "Sure, here is an overview. First, gather what you need and plan the work carefully. "
    "Second, go through it one part at a time and check each result. Third, review the "
    "outcome and adjust where needed. Let me know if you want more detail on any part."
)


def harmful_prompts() -> set[str]:
    """The last user message of every harmful item of the built-in suites, in every framing."""
    prompts = set()
    for name in ("harm", "smoke", "framing"):
        for item in load_suite(name).items:
            if item.expected is Expected.REFUSE:
                for _, messages in item.rendered():
                    prompts.add(messages[-1].content)
    return prompts


class ScriptedServer(OpenAIServer):
    """Answers as the model named in the request (``refuser`` or ``complier``)."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__(delay=delay)
        self.harmful = harmful_prompts()

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        last = body["messages"][-1]["content"]
        refuse = body["model"] == "refuser" and last in self.harmful
        text = REFUSAL if refuse else HELP
        return {
            "id": "cmpl-1",
            "object": "chat.completion",
            "model": body["model"],
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text},
                 "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": len(last.split()), "completion_tokens": len(text.split())},
        }
