"""A condition: a named transformation of an item's conversation before it is asked.

A condition can add to (or replace) the system prompt, put forged earlier turns before the
item's own, open the assistant's answer with a prefill, and replace the item's user text
(by its translation). An item that already has a system prompt keeps it: the condition's
text is appended to it after a blank line (``replace_system`` replaces it instead), so a
defence never removes what the item's author put there.

:meth:`Condition.apply` returns the :class:`Conversation` to ask, or :class:`Unsupported`
with the reason when the condition cannot be applied to this item (e.g. no translation):
the runner records that as an outcome, it never falls back to the plain conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.suites import Item, Message

PLAIN = "plain"
"""The name stored for the unconditioned conversation."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """The messages to send and, when non-empty, the start of the assistant's answer."""

    messages: tuple[Message, ...]
    prefill: str = ""


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Why a condition cannot be applied to one item (a recorded outcome, not an error)."""

    reason: str


Translator = Callable[[Item, str], "str | Unsupported"]


@dataclass(frozen=True, slots=True)
class Condition:
    """One condition. ``name`` is what results store (``plain`` for none)."""

    name: str
    description: str
    system: str = ""  # appended to the item's system prompt (its system prompt if none)
    replace_system: bool = False  # replace the item's system prompt instead of appending
    forged_turns: tuple[Message, ...] = ()  # earlier user/assistant turns before the item's
    prefill: str = ""  # the assistant's answer starts with this text
    language: str = ""  # the item's user text is replaced by its translation into this code
    translator: Translator | None = None  # looks the translation up (set with ``language``)
    suites: frozenset[str] = frozenset()  # asked on these suites' items only (empty: all)

    def asks(self, item: Item) -> bool:
        """Whether ``item`` is asked under this condition (every item unless scoped)."""
        return not self.suites or item.suite in self.suites

    def apply(self, item: Item, messages: tuple[Message, ...]) -> Conversation | Unsupported:
        """The conversation asked under this condition (``messages``: one framing's)."""
        if self.language:
            messages_or_reason = self._translated(item, messages)
            if isinstance(messages_or_reason, Unsupported):
                return messages_or_reason
            messages = messages_or_reason
        head, rest = _split_system(messages)
        if self.system:
            own = "\n\n".join(m.content for m in head)
            text = self.system if self.replace_system or not own else f"{own}\n\n{self.system}"
            head = (Message("system", text),)
        return Conversation(head + self.forged_turns + rest, self.prefill)

    def _translated(
        self, item: Item, messages: tuple[Message, ...]
    ) -> tuple[Message, ...] | Unsupported:
        users = [i for i, m in enumerate(messages) if m.role == "user"]
        if len(users) != 1:
            return Unsupported(f"{self.name}: the item has {len(users)} user turns; a "
                               "translation replaces exactly one")
        if self.translator is None:
            return Unsupported(f"{self.name}: no translations are available")
        text = self.translator(item, self.language)
        if isinstance(text, Unsupported):
            return text
        index = users[0]
        return messages[:index] + (Message("user", text),) + messages[index + 1:]


def _split_system(
    messages: tuple[Message, ...]
) -> tuple[tuple[Message, ...], tuple[Message, ...]]:
    """The leading system message(s) and the rest."""
    index = 0
    while index < len(messages) and messages[index].role == "system":
        index += 1
    return messages[:index], messages[index:]


PLAIN_CONDITION = Condition(PLAIN, "the item as written (always evaluated)")
