"""Chat templates rendered in a sandboxed Jinja environment, and the choice of template.

Templates come from untrusted repositories: they are rendered with
``jinja2.sandbox.ImmutableSandboxedEnvironment`` (no attribute access to internals, no
mutation of passed objects), never with llama.cpp's or a library's silent fallback.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import BackendError, UsageError
from auditor.safeio import TOKENIZER_CONFIG, read_text
from auditor.suites import Message

if TYPE_CHECKING:
    from auditor.refs import ModelIdentity

COMPLETION_MODE = "none (completion mode)"

BUILTIN_TEMPLATES: dict[str, str] = {
    # Gemma 2/3: no system role; a system message is prefixed to the first user turn.
    "gemma": (
        "{{ bos_token }}{% set ns = namespace(sys='') %}"
        "{% for m in messages %}{% if m.role == 'system' %}{% set ns.sys = ns.sys + m.content"
        " + '\n\n' %}{% endif %}{% endfor %}{% set first = namespace(v=true) %}"
        "{% for m in messages %}{% if m.role != 'system' %}"
        "{% set role = 'model' if m.role == 'assistant' else m.role %}"
        "<start_of_turn>{{ role }}\n{% if first.v and m.role == 'user' %}{{ ns.sys }}"
        "{% set first.v = false %}{% endif %}{{ m.content | trim }}<end_of_turn>\n"
        "{% endif %}{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
    ),
    "chatml": (
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
        "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n"
        "{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>\n\n"
        "{% endif %}{% endif %}"
    ),
    "llama3": (
        "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}"
        "<|end_header_id|>\n\n{{ m.content | trim }}<|eot_id|>{% endfor %}"
        "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n"
        "{% endif %}"
    ),
    "mistral": (
        "{{ bos_token }}{% for m in messages %}{% if m.role == 'user' %}[INST] {{ m.content }}"
        " [/INST]{% elif m.role == 'assistant' %}{{ m.content }}{{ eos_token }}"
        "{% elif m.role == 'system' %}[SYSTEM_PROMPT]{{ m.content }}[/SYSTEM_PROMPT]{% endif %}"
        "{% endfor %}"
    ),
}

# GGUF general.architecture -> builtin template, for instruction-tuned files without one.
ARCHITECTURE_TEMPLATES = {
    "gemma": "gemma",
    "gemma2": "gemma",
    "gemma3": "gemma",
    "gemma3_text": "gemma",
    "gemma3n": "gemma",
    "qwen2": "chatml",
    "qwen3": "chatml",
    "qwen2moe": "chatml",
    "qwen3moe": "chatml",
}

_INSTRUCT = re.compile(r"(?<![a-z])(it|instruct|chat|sft|rlhf|dpo)(?![a-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ChatFormat:
    """The template a backend uses. ``label`` is what results record."""

    label: str  # "embedded" | "tokenizer" | "builtin:<name>" | "file:<name>" | COMPLETION_MODE
    template: str | None  # None: completion mode

    @property
    def completion_mode(self) -> bool:
        return self.template is None


def _raise(message: str) -> None:
    raise BackendError(f"chat template error: {message}")


def _strftime_now(fmt: str) -> str:
    return _dt.datetime.now().strftime(fmt)


@lru_cache(maxsize=32)
def _compile(template: str) -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
    )
    env.globals["raise_exception"] = _raise
    env.globals["strftime_now"] = _strftime_now
    env.filters["tojson"] = lambda v, indent=None, ensure_ascii=False: json.dumps(
        v, indent=indent, ensure_ascii=ensure_ascii
    )
    try:
        return env.from_string(template)
    except Exception as exc:  # jinja2.TemplateSyntaxError and friends
        raise BackendError(f"the model's chat template does not parse: {exc}") from exc


def render_chat(
    template: str,
    messages: Sequence[Message],
    *,
    bos_token: str = "",
    eos_token: str = "",
    add_generation_prompt: bool = True,
    enable_thinking: bool | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """Render messages with a chat template in a sandboxed Jinja environment."""
    from jinja2.exceptions import SecurityError

    context: dict[str, Any] = {
        "messages": [{"role": m.role, "content": m.content} for m in messages],
        "bos_token": bos_token,
        "eos_token": eos_token,
        "add_generation_prompt": add_generation_prompt,
        **(extra or {}),
    }
    if enable_thinking is not None:
        context["enable_thinking"] = enable_thinking
    try:
        return str(_compile(template).render(**context))
    except SecurityError as exc:
        raise BackendError(f"the chat template tried an unsafe operation: {exc}") from exc
    except BackendError:
        raise
    except Exception as exc:
        raise BackendError(f"the chat template failed to render: {exc}") from exc


def render_prompt(
    chat: ChatFormat,
    messages: Sequence[Message],
    *,
    prefill: str = "",
    bos_token: str = "",
    eos_token: str = "",
    enable_thinking: bool = False,
    extra: dict[str, Any] | None = None,
) -> str:
    """The exact text a local model is given: the chat template with the assistant turn
    opened (completion mode: the message texts), followed by ``prefill`` when there is one,
    for the model to continue its own answer from there. ``extra``: more template variables
    (e.g. ``tools``)."""
    if chat.template is None:
        return render_completion(messages) + prefill
    thinking = enable_thinking if supports_thinking(chat.template) else None
    return render_chat(chat.template, messages, bos_token=bos_token, eos_token=eos_token,
                       enable_thinking=thinking, extra=extra) + prefill


def render_completion(messages: Sequence[Message]) -> str:
    """Completion mode for base models: the message texts, one paragraph each."""
    return "\n\n".join(m.content.strip() for m in messages if m.content.strip()) + "\n"


def supports_thinking(template: str | None) -> bool:
    """Whether a chat template reads the ``enable_thinking`` switch."""
    return bool(template) and "enable_thinking" in (template or "")


def looks_instruction_tuned(*names: str | None) -> bool:
    """Heuristic on model names/fine-tune labels: ``-it``, ``instruct``, ``chat``..."""
    return any(name and _INSTRUCT.search(name) for name in names)


def choose_chat_format(
    option: str,
    *,
    embedded: str | None,
    embedded_label: str = "embedded",
    architecture: str | None = None,
    instruction_tuned: bool = False,
) -> ChatFormat:
    """Pick the chat template from the ``--chat-template`` option and what the model has.

    ``auto``: the model's own template; else, for an instruction-tuned model, the builtin
    template of its architecture; else completion mode (base models). Never a silent
    Llama-2 fallback.
    """
    if option == "auto":
        if embedded:
            return ChatFormat(embedded_label, embedded)
        builtin = ARCHITECTURE_TEMPLATES.get((architecture or "").lower())
        if builtin and instruction_tuned:
            return ChatFormat(f"builtin:{builtin}", BUILTIN_TEMPLATES[builtin])
        return ChatFormat(COMPLETION_MODE, None)
    if option in ("none", "completion"):
        return ChatFormat(COMPLETION_MODE, None)
    if option in ("embedded", "tokenizer"):
        if not embedded:
            raise UsageError(f"--chat-template {option}: the model carries no chat template")
        return ChatFormat(embedded_label, embedded)
    if option.startswith("builtin:"):
        name = option.removeprefix("builtin:")
        if name not in BUILTIN_TEMPLATES:
            raise UsageError(
                f"unknown builtin chat template {name!r}; choose one of "
                f"{sorted(BUILTIN_TEMPLATES)}"
            )
        return ChatFormat(option, BUILTIN_TEMPLATES[name])
    path = Path(option).expanduser()
    if path.is_file():
        return ChatFormat(f"file:{path.name}", read_text(path, TOKENIZER_CONFIG, error=UsageError))
    if path.is_dir():  # e.g. the parent model's folder: borrow its tokenizer's template
        from auditor.backends._tokenizer_files import template_from_folder

        borrowed = template_from_folder(path)
        if borrowed is None:
            raise UsageError(f"--chat-template {option}: that folder holds no chat template")
        return ChatFormat(f"folder:{path.resolve().name}", borrowed)
    raise UsageError(
        f"--chat-template {option!r}: use auto, none, embedded, builtin:<"
        f"{'|'.join(sorted(BUILTIN_TEMPLATES))}>, a Jinja template file, or a model folder "
        "whose tokenizer has a chat template (e.g. the parent's)"
    )


def tokenizer_chat_format(
    tokenizer: Any,
    option: str,
    identity: ModelIdentity,
    *,
    architecture: Any,
    embedded_label: str = "tokenizer",
) -> ChatFormat:
    """:func:`choose_chat_format` for a model with a Hugging Face tokenizer (the transformers
    and vllm backends): its ``chat_template`` (the ``default`` of a named set, else the
    first), the model's ``model_type`` as ``architecture``, instruction tuning guessed from
    the identity's names."""
    template = getattr(tokenizer, "chat_template", None)
    if isinstance(template, dict):
        template = template.get("default") or next(iter(template.values()), None)
    return choose_chat_format(
        option,
        embedded=template if isinstance(template, str) else None,
        embedded_label=embedded_label,
        architecture=architecture if isinstance(architecture, str) else None,
        instruction_tuned=looks_instruction_tuned(identity.repo_id, identity.local_name,
                                                  identity.file),
    )
