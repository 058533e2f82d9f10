"""Chat templates: sandboxed rendering, builtin templates, the choice of template."""

from __future__ import annotations

import pytest

from auditor.backends import COMPLETION_MODE, choose_chat_format, render_chat
from auditor.backends._chat import BUILTIN_TEMPLATES, render_completion, supports_thinking
from auditor.errors import BackendError, UsageError
from auditor.suites import Message

MSGS = (Message("system", "Be kind."), Message("user", "Hi there"))


def test_gemma_builtin_folds_the_system_prompt_into_the_first_turn() -> None:
    text = render_chat(BUILTIN_TEMPLATES["gemma"], MSGS, bos_token="<bos>")
    assert text == (
        "<bos><start_of_turn>user\nBe kind.\n\nHi there<end_of_turn>\n<start_of_turn>model\n"
    )


def test_chatml_thinking_switch() -> None:
    template = BUILTIN_TEMPLATES["chatml"]
    assert supports_thinking(template)
    off = render_chat(template, MSGS[1:], enable_thinking=False)
    on = render_chat(template, MSGS[1:], enable_thinking=True)
    assert off.endswith("<think>\n\n</think>\n\n") and on.endswith("<|im_start|>assistant\n")


@pytest.mark.parametrize(
    "evil",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ messages.append({'role': 'x'}) }}",
        "{{ cycler.__init__.__globals__.os }}",
    ],
)
def test_templates_cannot_escape_the_sandbox(evil: str) -> None:
    with pytest.raises(BackendError):
        render_chat(evil, MSGS)


def test_raise_exception_in_a_template_is_a_clear_error() -> None:
    with pytest.raises(BackendError, match="only user turns"):
        render_chat("{{ raise_exception('only user turns') }}", MSGS)


def test_choice_of_template() -> None:
    own = choose_chat_format("auto", embedded="{{ 'x' }}")
    assert own.label == "embedded" and own.template == "{{ 'x' }}"
    base = choose_chat_format("auto", embedded=None, architecture="gemma3")
    assert base.label == COMPLETION_MODE and base.completion_mode
    tuned = choose_chat_format("auto", embedded=None, architecture="gemma3",
                               instruction_tuned=True)
    assert tuned.label == "builtin:gemma"
    unknown = choose_chat_format("auto", embedded=None, architecture="llama",
                                 instruction_tuned=True)
    assert unknown.label == COMPLETION_MODE  # never a silent Llama-2 guess
    assert choose_chat_format("builtin:chatml", embedded="x").label == "builtin:chatml"
    assert choose_chat_format("none", embedded="x").completion_mode
    with pytest.raises(UsageError, match="builtin"):
        choose_chat_format("builtin:llama2", embedded=None)
    with pytest.raises(UsageError, match="carries no chat template"):
        choose_chat_format("embedded", embedded=None)


def test_completion_mode_text() -> None:
    assert render_completion(MSGS) == "Be kind.\n\nHi there\n"
