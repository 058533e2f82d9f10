"""Records shared by every backend: generation config, requests, results, load options."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from auditor.actions import ToolCall, ToolSpec
from auditor.errors import UsageError
from auditor.suites import Message

GEN_CONFIG_VERSION = 1

UNSUPPORTED = "unsupported"
"""``finish_reason`` of a result whose request the backend (or the item) cannot take, e.g. an
assistant prefill on a server that cannot continue an assistant turn; ``error`` says why."""


@dataclass(frozen=True, slots=True)
class GenerationConfig:
    """How to decode. ``temperature == 0`` is greedy decoding (the default).

    ``hash`` covers what changes the text (not ``samples``: the sample index is part of each
    result's key, so asking for more samples later reuses the ones already stored). The seed of
    sample ``i`` is ``seed + i``.
    """

    max_new_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0
    samples: int = 1
    enable_thinking: bool = False

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise UsageError(f"max new tokens must be at least 1, got {self.max_new_tokens}")
        if self.temperature < 0:
            raise UsageError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise UsageError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.samples < 1:
            raise UsageError(f"samples must be at least 1, got {self.samples}")
        if self.samples > 1 and self.temperature == 0:
            raise UsageError(
                "--samples > 1 with greedy decoding repeats the same text: set --temperature > 0"
            )

    @property
    def greedy(self) -> bool:
        return self.temperature == 0

    def seed_for(self, sample: int) -> int:
        return self.seed + sample

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("samples")
        data["version"] = GEN_CONFIG_VERSION
        if self.greedy:
            data.pop("top_p")  # irrelevant to greedy decoding
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @property
    def hash(self) -> str:
        """sha256 (first 16 hex digits) of the canonical JSON of :meth:`to_dict`."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """One prompt to complete; ``seed`` drives sampling for this request alone.

    ``prefill``, when non-empty, is the start of the assistant's answer: the model continues
    it (the chat template's assistant turn is opened and the text appended). A backend that
    cannot continue an assistant turn answers with an :data:`UNSUPPORTED` result.
    """

    messages: tuple[Message, ...]
    seed: int = 0
    prefill: str = ""
    tools: tuple[ToolSpec, ...] = ()  # offered to the model (an agentic item)


@dataclass(frozen=True, slots=True)
class GenerationResult:
    """What came back for one request. ``error`` is non-empty when the request failed."""

    response: str
    prompt_text: str
    reasoning: str = ""
    finish_reason: str = ""
    n_prompt_tokens: int = 0
    n_completion_tokens: int = 0
    error: str = ""
    # Requests with tools: the calls read from the answer (or sent back by a server) and how
    # the tools were shown (auditor.actions TEMPLATE_TOOLS, GENERIC_TOOLS or SERVER_TOOLS).
    tool_calls: tuple[ToolCall, ...] = ()
    tool_prompt: str = ""

    @classmethod
    def unsupported(cls, reason: str, prompt_text: str = "") -> GenerationResult:
        """A request the backend cannot take: recorded with its reason, never generated."""
        return cls("", prompt_text, finish_reason=UNSUPPORTED, error=f"unsupported: {reason}")


@dataclass(frozen=True, slots=True)
class BackendOptions:
    """How to load a model. Unsafe loading needs an explicit opt-in.

    ``chat_template``: ``auto`` (the model's own template, else one chosen by architecture for
    instruction-tuned models, else plain completion), ``none`` (completion mode),
    ``builtin:<name>``, or a path to a Jinja template file.
    """

    device: str = "auto"  # "auto" | "cpu" | "cuda" | "cuda:1" | "mps"
    dtype: str = "auto"  # "auto" | "float32" | "bfloat16" | "float16"
    trust_remote_code: bool = False
    allow_pickle: bool = False
    threads: int | None = None
    n_gpu_layers: int = 0
    n_ctx: int = 4096
    batch_size: int | None = None  # None: the backend's own choice
    concurrency: int = 8  # openai: requests in flight
    chat_template: str = "auto"
    request_timeout: float = 600.0
    in_worker: bool | None = None  # None: the backend's default (llama.cpp runs in a worker)
    gpu_memory_utilization: float = 0.9  # vllm: share of each GPU's memory it may take
    tensor_parallel: int = 1  # vllm: GPUs one model is split across
    extra: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        if not 0 < self.gpu_memory_utilization <= 1:
            raise UsageError("--gpu-memory-utilization must be in (0, 1], got "
                             f"{self.gpu_memory_utilization}")
        if self.tensor_parallel < 1:
            raise UsageError(f"--tensor-parallel must be at least 1, got {self.tensor_parallel}")
