"""The llama.cpp backend (llama-cpp-python): GGUF files, sandboxed chat templates.

The prompt is rendered here (embedded template, a builtin chosen by architecture, or plain
completion) and tokenized by us, so llama-cpp-python's own chat handling, and its silent
Llama-2 fallback for template-less files, is never used.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Sequence

from auditor.backends._chat import (
    ChatFormat,
    choose_chat_format,
    looks_instruction_tuned,
)
from auditor.backends._llama_lib import MISSING_LLAMA_CPP, import_llama_cpp
from auditor.backends._reasoning import completion_result
from auditor.backends._tools import RenderedPrompt, render_request, with_tool_calls
from auditor.backends._types import (
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    GenerationResult,
)
from auditor.errors import BackendError, BackendUnavailableError, InputError
from auditor.gguf import validate_gguf
from auditor.refs import ResolvedModel

log = logging.getLogger(__name__)


_MISSING = MISSING_LLAMA_CPP


def preflight(resolved: ResolvedModel) -> None:
    """Checks made in the auditor's own process before a worker loads the file: the library
    is installed, and the file is a structurally sound GGUF (counts, sizes and offsets inside
    the file), so a truncated or hostile file gets a clear error, not a native crash."""
    try:
        spec = importlib.util.find_spec("llama_cpp")
    except ValueError:  # sys.modules["llama_cpp"] is None: blocked on purpose
        spec = None
    if spec is None:
        raise BackendUnavailableError(_MISSING)
    if resolved.path is None or not resolved.path.is_file():
        raise InputError(f"GGUF file not found: {resolved.path}")
    validate_gguf(resolved.path)


class LlamaCppBackend:
    """A GGUF model loaded once with llama-cpp-python; requests run one after another."""

    name = "llamacpp"
    batch_size = 1

    def __init__(self, resolved: ResolvedModel, options: BackendOptions) -> None:
        llama_cpp = import_llama_cpp()
        self._is_eog = llama_cpp.llama_vocab_is_eog
        if resolved.path is None or not resolved.path.is_file():
            raise InputError(f"GGUF file not found: {resolved.path}")
        threads = options.threads or max(1, (os.cpu_count() or 2))
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(resolved.path),
                n_ctx=options.n_ctx,
                n_threads=threads,
                n_gpu_layers=options.n_gpu_layers,
                seed=0,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise BackendError(f"llama.cpp cannot load {resolved.path}: {exc}") from exc
        meta: dict[str, str] = dict(self._llm.metadata)
        self.chat = self._choose_format(resolved, options, meta)
        self._bos = self._token_text(self._llm.token_bos())
        self._eos = self._token_text(self._llm.token_eos())
        self._add_bos = meta.get("tokenizer.ggml.add_bos_token", "true") != "false"
        quant = resolved.identity.quantization
        self.identity = resolved.identity.with_runtime(
            backend=self.name, dtype=quant, chat_template=self.chat.label
        )
        log.info("llama.cpp: %s, chat template %s, %d threads", resolved.path.name,
                 self.chat.label, threads)

    @staticmethod
    def _choose_format(
        resolved: ResolvedModel, options: BackendOptions, meta: dict[str, str]
    ) -> ChatFormat:
        embedded = meta.get("tokenizer.chat_template")
        label = "embedded"
        if not embedded and resolved.tokenizer_dir is not None:
            from auditor.backends._tokenizer_files import template_from_folder

            embedded = template_from_folder(resolved.tokenizer_dir)
            label = "tokenizer"
        tuned = looks_instruction_tuned(
            meta.get("general.finetune"),
            meta.get("general.name"),
            resolved.identity.file,
            resolved.identity.repo_id,
        )
        return choose_chat_format(
            options.chat_template,
            embedded=embedded,
            embedded_label=label,
            architecture=meta.get("general.architecture"),
            instruction_tuned=tuned,
        )

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._llm.detokenize([token], special=True).decode("utf-8", errors="replace")

    def render(self, request: GenerationRequest, config: GenerationConfig) -> str:
        """The exact text the model is given for a request (its prefill appended)."""
        return self._rendered(request, config).text

    def _rendered(self, request: GenerationRequest, config: GenerationConfig) -> RenderedPrompt:
        return render_request(self.chat, request, bos_token=self._bos, eos_token=self._eos,
                              enable_thinking=config.enable_thinking)

    def _tokens(self, prompt: str) -> list[int]:
        add_bos = self._add_bos and not (self._bos and prompt.startswith(self._bos))
        tokens: list[int] = self._llm.tokenize(prompt.encode("utf-8"), add_bos=add_bos,
                                                special=True)
        return tokens

    def generate(
        self, requests: Sequence[GenerationRequest], config: GenerationConfig
    ) -> list[GenerationResult]:
        return [self._one(request, config) for request in requests]

    def _one(self, request: GenerationRequest, config: GenerationConfig) -> GenerationResult:
        rendered = self._rendered(request, config)
        return with_tool_calls(self._complete(rendered.text, request, config),
                               rendered.tool_prompt)

    def _complete(self, prompt: str, request: GenerationRequest,
                  config: GenerationConfig) -> GenerationResult:
        tokens = self._tokens(prompt)
        if len(tokens) + config.max_new_tokens > self._llm.n_ctx():
            return GenerationResult(
                response="", prompt_text=prompt, n_prompt_tokens=len(tokens),
                error=f"prompt ({len(tokens)} tokens) + max new tokens exceeds the context "
                f"({self._llm.n_ctx()}); raise --n-ctx or lower --max-new-tokens",
            )
        try:
            out, finish = self._decode(tokens, request.seed, config)
        except (RuntimeError, ValueError) as exc:
            return GenerationResult(response="", prompt_text=prompt, error=f"llama.cpp: {exc}")
        text = self._llm.detokenize(out).decode("utf-8", errors="replace")
        return completion_result(text, prompt, finish_reason=finish,
                                 n_prompt_tokens=len(tokens), n_completion_tokens=len(out))

    def _decode(
        self, tokens: list[int], seed: int, config: GenerationConfig
    ) -> tuple[list[int], str]:
        """Up to ``max_new_tokens`` tokens, stopping at an end-of-generation token.

        Our own loop over ``Llama.generate`` (not ``create_completion``, which can overshoot
        the token limit around multi-byte characters and drops undecodable bytes). The KV cache
        is reset for every request, so results never depend on the order of requests.
        """
        self._llm.reset()
        self._llm.set_seed(seed)
        vocab = self._llm._model.vocab
        out: list[int] = []
        for token in self._llm.generate(
            tokens,
            temp=config.temperature,
            top_k=0,
            top_p=config.top_p if not config.greedy else 1.0,
            min_p=0.0,
            repeat_penalty=1.0,
            reset=True,
        ):
            if self._is_eog(vocab, token):
                return out, "stop"
            out.append(token)
            if len(out) >= config.max_new_tokens:
                break
        return out, "length"

    def close(self) -> None:
        llm = getattr(self, "_llm", None)
        if llm is not None:
            llm.close()
            self._llm = None
