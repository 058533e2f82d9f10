"""The vLLM backend: vLLM's offline engine in this process, a whole batch handed over at once.

Why each choice:
- vLLM schedules the batch itself (continuous batching), so the runner is told to hand large
  batches (:data:`DEFAULT_BATCH`) and every request carries its own ``SamplingParams(seed=)``:
  a result depends on its request alone, never on its neighbours or their order.
- Prompts are rendered by our sandboxed renderer (:mod:`auditor.backends._tools`: chat
  template, prefill, tools) and tokenized by the model's own tokenizer exactly as the
  transformers backend does, then given to vLLM as token ids, so both backends see the same
  tokens and vLLM never renders a template from the repository itself.
- The same safety checks as the transformers backend: no remote code ever, pickle weights
  refused unless allowed, adapters checked like checkpoints.
- A PEFT adapter is not merged: its base is loaded with ``enable_lora`` and the adapter sent
  as a ``LoRARequest``; the engine stays up after ``close`` so the next model on the same base
  (its other adapters) reuses it (:mod:`auditor.backends._vllm_engine`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor.backends._chat import tokenizer_chat_format
from auditor.backends._hf_safety import check_remote_code, check_weights
from auditor.backends._peft import check_adapter
from auditor.backends._reasoning import completion_result
from auditor.backends._tools import RenderedPrompt, render_with_tokenizer, with_tool_calls
from auditor.backends._types import (
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    GenerationResult,
)
from auditor.backends._vllm_engine import (
    VLLM_EXTRA,
    EngineSpec,
    acquire_engine,
    adapter_rank,
    import_vllm,
    release_engine,
    vllm_installed,
)
from auditor.errors import BackendError, BackendUnavailableError, InputError, UsageError
from auditor.refs import ResolvedModel
from auditor.safeio import MODEL_CONFIG, load_json_file

log = logging.getLogger(__name__)

DEFAULT_BATCH = 256
"""Requests handed to vLLM at once: enough for its scheduler to keep the device busy."""


def preflight(resolved: ResolvedModel) -> None:
    """Cheap checks before loading: vLLM installed, a Hugging Face folder to load."""
    if not vllm_installed():
        raise BackendUnavailableError(f"the vllm backend needs vLLM: {VLLM_EXTRA}")
    fmt = resolved.identity.format
    if fmt == "gguf":
        raise UsageError(f"--backend vllm loads Hugging Face folders; {resolved.identity.reference}"
                         " is a GGUF file: use --backend llamacpp")
    if fmt == "remote":
        raise UsageError(f"{resolved.identity.reference} is a remote model: use --backend openai")


def _split(resolved: ResolvedModel, options: BackendOptions) -> tuple[ResolvedModel, Path | None]:
    """The checkpoint to load and the adapter folder served on it (None for a plain model)."""
    if not resolved.is_adapter:
        return resolved, None
    if resolved.base is None or resolved.hf_dir is None:
        raise InputError(f"{resolved.identity.reference}: an adapter without a resolved base")
    check_adapter(resolved.hf_dir, allow_pickle=options.allow_pickle,
                  trust_remote_code=options.trust_remote_code)
    return resolved.base, resolved.hf_dir


def _model_config(folder: Path) -> dict[str, Any]:
    config = load_json_file(folder / "config.json", MODEL_CONFIG)
    if not isinstance(config, dict):
        raise InputError(f"{folder}/config.json is not a JSON object")
    return config


def _context_length(options: BackendOptions, config: dict[str, Any]) -> int:
    """``--n-ctx``, capped at the model's own ``max_position_embeddings`` (vLLM refuses more)."""
    limit = config.get("max_position_embeddings")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        return min(options.n_ctx, limit)
    return options.n_ctx


def _engine_spec(folder: Path, config: dict[str, Any], options: BackendOptions,
                 adapter: Path | None, safetensors_only: bool, on_gpu: bool) -> EngineSpec:
    if options.dtype not in ("auto", "float32", "bfloat16", "float16"):
        raise UsageError(f"unknown dtype {options.dtype!r} (float32, bfloat16, float16)")
    # On a CPU the transformers backend computes in float32; so does this one, for equal text.
    dtype = options.dtype if options.dtype != "auto" or on_gpu else "float32"
    rank = adapter_rank(adapter) if adapter is not None else 0
    return EngineSpec(
        folder=str(folder), dtype=dtype,
        max_model_len=_context_length(options, config),
        gpu_memory_utilization=options.gpu_memory_utilization,
        tensor_parallel=options.tensor_parallel, max_lora_rank=rank,
        safetensors_only=safetensors_only, on_gpu=on_gpu,
    )


class VllmBackend:
    """A model (or an adapter on its base) served by vLLM's in-process offline engine."""

    name = "vllm"

    def __init__(self, resolved: ResolvedModel, options: BackendOptions) -> None:
        if options.trust_remote_code:
            raise UsageError("--backend vllm never runs repository code: drop "
                             "--trust-remote-code or use --backend transformers")
        weights, adapter = _split(resolved, options)
        if weights.identity.quantized_on_load:
            raise UsageError(f"{resolved.identity.reference}: --backend vllm does not apply "
                             f"{weights.identity.quantized_on_load}; use --backend transformers")
        folder = weights.hf_dir
        if folder is None or not folder.is_dir():
            raise InputError(f"model folder not found: {folder}")
        check_remote_code(folder, trust_remote_code=False)
        safetensors_only = check_weights(folder, allow_pickle=options.allow_pickle)
        on_gpu = _gpu_wanted(options.device)
        import_vllm(on_gpu=on_gpu)
        from transformers import AutoTokenizer

        config = _model_config(folder)
        spec = _engine_spec(folder, config, options, adapter, safetensors_only, on_gpu)
        tokenizer_folder = (resolved.tokenizer_dir or folder) if adapter else folder
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_folder),
                                                           trust_remote_code=False)
        except (OSError, ValueError) as exc:
            raise BackendError(f"cannot load the tokenizer of {tokenizer_folder}: {exc}") from exc
        self._spec = spec
        self._engine = acquire_engine(spec)
        self._lora = _lora_request(adapter) if adapter is not None else None
        self.chat = tokenizer_chat_format(self.tokenizer, options.chat_template,
                                          resolved.identity,
                                          architecture=config.get("model_type"))
        self.batch_size = max(1, options.batch_size or DEFAULT_BATCH)
        self.identity = resolved.identity.with_runtime(
            backend=self.name, dtype=spec.dtype, chat_template=self.chat.label
        )
        log.info("vllm: %s (%s), chat template %s%s", resolved.identity.reference, spec.dtype,
                 self.chat.label, ", as a LoRA request" if adapter else "")

    def render(self, request: GenerationRequest, config: GenerationConfig) -> str:
        """The exact text the model is given for a request (its prefill appended)."""
        return self._rendered(request, config).text

    def _rendered(self, request: GenerationRequest, config: GenerationConfig) -> RenderedPrompt:
        return render_with_tokenizer(self.chat, request, self.tokenizer, config)

    def prompt_ids(self, text: str) -> list[int]:
        """Token ids of a rendered prompt, as the transformers backend tokenizes it."""
        ids: list[int] = self.tokenizer(
            text, add_special_tokens=self.chat.completion_mode)["input_ids"]
        return ids

    def generate(
        self, requests: Sequence[GenerationRequest], config: GenerationConfig
    ) -> list[GenerationResult]:
        if self._engine is None:
            raise BackendError("the vllm backend is closed")
        from vllm import SamplingParams

        rendered = [self._rendered(r, config) for r in requests]
        prompts = [{"prompt_token_ids": self.prompt_ids(r.text)} for r in rendered]
        params = [SamplingParams(**_sampling(config, r.seed)) for r in requests]
        try:
            outputs = self._engine.generate(prompts, params, lora_request=self._lora,
                                            use_tqdm=False)
        except (RuntimeError, ValueError) as exc:
            return [GenerationResult("", r.text, error=f"vllm: {exc}") for r in rendered]
        return [with_tool_calls(self._result(out, r.text), r.tool_prompt)
                for out, r in zip(outputs, rendered, strict=True)]

    def _result(self, output: Any, prompt: str) -> GenerationResult:
        completion = output.outputs[0]
        tokens = list(completion.token_ids)
        finish = "stop" if completion.finish_reason == "stop" else "length"
        if finish == "stop" and tokens and tokens[-1] in self._eos_ids():
            tokens = tokens[:-1]
        text = str(self.tokenizer.decode(tokens, skip_special_tokens=True))
        return completion_result(text, prompt, finish_reason=finish,
                                 n_prompt_tokens=len(output.prompt_token_ids or ()),
                                 n_completion_tokens=len(tokens))

    def _eos_ids(self) -> set[int]:
        value = self.tokenizer.eos_token_id
        return {int(value)} if value is not None else set()

    def close(self) -> None:
        if self._engine is not None:
            release_engine(self._spec)
            self._engine = None


def _sampling(config: GenerationConfig, seed: int) -> dict[str, Any]:
    """SamplingParams keywords for one request: greedy, or sampled with its own seed."""
    kwargs: dict[str, Any] = {"max_tokens": config.max_new_tokens, "seed": seed,
                              "detokenize": False}
    if config.greedy:
        kwargs["temperature"] = 0.0
    else:
        kwargs.update(temperature=config.temperature, top_p=config.top_p)
    return kwargs


def _lora_request(adapter: Path) -> Any:
    """One LoRA request per adapter folder; its integer id is stable within the process."""
    from vllm.lora.request import LoRARequest

    from auditor.backends._vllm_engine import lora_id

    return LoRARequest(adapter.name or "adapter", lora_id(adapter), str(adapter))


def _gpu_wanted(device: str) -> bool:
    if device == "cpu":
        return False
    import torch

    return bool(torch.cuda.is_available())
