"""Separate a reasoning trace (``<think>...</think>``) from the answer."""

from __future__ import annotations

import re

from auditor.backends._types import GenerationResult

_OPEN = re.compile(r"<(think|thinking|reasoning)>", re.IGNORECASE)


def prompt_opens_thinking(prompt: str) -> bool:
    """True when the rendered prompt ends inside an unclosed ``<think>`` block (templates
    that open the block themselves), so the completion starts as reasoning."""
    opened = list(_OPEN.finditer(prompt))
    if not opened:
        return False
    last = opened[-1]
    return re.search(rf"</{last.group(1)}>", prompt[last.end() :], re.IGNORECASE) is None


def split_reasoning(text: str, *, opened: bool = False) -> tuple[str, str]:
    """Return ``(reasoning, response)``.

    ``opened``: the prompt already opened a thinking block (see :func:`prompt_opens_thinking`).

    Handles a complete ``<think>...</think>`` block, a closing tag without an opening one (the
    chat template opened the block in the prompt), and an unclosed block (generation stopped
    while thinking: everything is reasoning, the response is empty).
    """
    if opened:
        close = re.search(r"</(think|thinking|reasoning)>", text, re.IGNORECASE)
        if close is None:
            return text.strip(), ""
        return text[: close.start()].strip(), text[close.end() :].strip()
    match = _OPEN.search(text)
    if match is not None and not text[: match.start()].strip():
        tag = match.group(1)
        close = re.search(rf"</{tag}>", text[match.end() :], re.IGNORECASE)
        if close is None:
            return text[match.end() :].strip(), ""
        reasoning = text[match.end() : match.end() + close.start()]
        return reasoning.strip(), text[match.end() + close.end() :].strip()
    close = re.search(r"</(think|thinking|reasoning)>", text, re.IGNORECASE)
    if close is not None and match is None:
        return text[: close.start()].strip(), text[close.end() :].strip()
    return "", text.strip()


def completion_result(
    text: str, prompt: str, *, finish_reason: str, n_prompt_tokens: int, n_completion_tokens: int
) -> GenerationResult:
    """A local model's decoded completion of ``prompt`` as a result, its reasoning split from
    the answer (the prompt may have opened the thinking block itself)."""
    reasoning, response = split_reasoning(text, opened=prompt_opens_thinking(prompt))
    return GenerationResult(
        response=response,
        prompt_text=prompt,
        reasoning=reasoning,
        finish_reason=finish_reason,
        n_prompt_tokens=n_prompt_tokens,
        n_completion_tokens=n_completion_tokens,
    )
