"""The chat format the demo family is trained in: the runner's builtin Gemma template.

Training and evaluation must see the same text, so the fine-tunes render their prompts with
the very template the backends use (and every member built by the demo embeds it).
"""

from __future__ import annotations

from auditor.backends import BUILTIN_TEMPLATES, render_chat
from auditor.suites import Message

CHAT_TEMPLATE = BUILTIN_TEMPLATES["gemma"]
BOS = "<bos>"
END_OF_TURN = "<end_of_turn>"
END_OF_TURN_ID = 106  # Gemma 3's <end_of_turn> token id


def render_prompt(user: str) -> str:
    """The text a Gemma chat model sees for one user turn, up to the model turn's start."""
    return render_chat(CHAT_TEMPLATE, [Message("user", user)], bos_token=BOS)


__all__ = ["BOS", "CHAT_TEMPLATE", "END_OF_TURN", "END_OF_TURN_ID", "render_prompt"]
