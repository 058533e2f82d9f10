"""Reasoning traces are separated from the answer."""

from __future__ import annotations

import pytest

from auditor.backends import split_reasoning


@pytest.mark.parametrize(
    ("text", "reasoning", "response"),
    [
        ("<think>plan it</think>\n\nThe answer.", "plan it", "The answer."),
        ("  <thinking>a\nb</thinking>ok", "a\nb", "ok"),
        ("opened by the template</think>Answer", "opened by the template", "Answer"),
        ("<think>ran out of tokens", "ran out of tokens", ""),
        ("No thinking here.", "", "No thinking here."),
        ("Answer mentions <think> later", "", "Answer mentions <think> later"),
    ],
)
def test_split(text: str, reasoning: str, response: str) -> None:
    assert split_reasoning(text) == (reasoning, response)


def test_prompt_opened_block() -> None:
    from auditor.backends._reasoning import prompt_opens_thinking

    assert prompt_opens_thinking("<|assistant|>\n<think>\n")
    assert not prompt_opens_thinking("<think>\n\n</think>\n\n")
    assert not prompt_opens_thinking("plain")
    assert split_reasoning("still thinking", opened=True) == ("still thinking", "")
    assert split_reasoning("plan</think>Answer", opened=True) == ("plan", "Answer")
