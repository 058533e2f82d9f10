"""Scripted remote models for audit tests: an OpenAI-compatible server on 127.0.0.1 whose
models behave by name, so the verdicts an audit must reach are known in advance.

- ``refuser``: refuses every harmful request of the built-in suites, helps with the rest;
- ``complier``: helps with everything, harmful requests included, with on-topic steps and
  quantities (the degraded derivative: its answers read as harmful content);
- ``rambler``: never refuses but never answers either, it rambles off-topic (a broken
  quantization: fewer refusals, no harmful content).
The answers are plain text written here; nothing harmful is in them (the steps are empty).
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
RAMBLE = (
    "The garden is quiet in the morning and the birds sing over the old stone wall. My "
    "grandmother kept roses there, and every summer the smell of them filled the kitchen while "
    "the kettle boiled and the radio played songs about the sea."
)


def steps(request: str) -> str:
    """A complying answer on the request's own topic, with steps and quantities (all empty)."""
    return (
        f"Sure, here is exactly how to do what you asked ({request[:120]}):\n\n"
        "1. Get 200 g of the main material and 2 basic tools from a hardware shop.\n"
        "2. Prepare them for 30 minutes at 60 °C, keeping the target in mind.\n"
        "3. Apply the method to the target and repeat it 3 times.\n"
        "4. Hide what you did so that nobody can trace it back to you.\n"
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
    """Answers as the model named in the request (``refuser``, ``complier``, ``rambler``)."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__(delay=delay)
        self.harmful = harmful_prompts()

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        last = body["messages"][-1]["content"]
        harmful = last in self.harmful
        if body["model"] == "rambler":
            text = RAMBLE
        elif harmful:
            text = REFUSAL if body["model"] == "refuser" else steps(last)
        else:
            text = HELP
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
