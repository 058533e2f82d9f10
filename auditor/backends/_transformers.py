"""The transformers backend: safetensors (or opted-in pickle) checkpoints, GGUF through
transformers' dequantization, GPTQ/AWQ through gptqmodel, PEFT adapters merged into their
base, bitsandbytes NF4/int8 applied as a checkpoint loads (``<model>:bnb-nf4``); batched greedy
generation with left padding; the tokenizer's chat template rendered in a sandbox."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from typing import Any

from auditor.backends._bitsandbytes import bnb_quantization_config
from auditor.backends._chat import ChatFormat, tokenizer_chat_format
from auditor.backends._gpus import local_gpu_memory, needs_device_map, weights_bytes
from auditor.backends._hf_safety import check_remote_code, check_weights
from auditor.backends._peft import apply_adapter, split_adapter
from auditor.backends._reasoning import completion_result
from auditor.backends._tools import RenderedPrompt, render_with_tokenizer, with_tool_calls
from auditor.backends._types import (
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    GenerationResult,
)
from auditor.errors import BackendError, BackendUnavailableError, InputError, UsageError
from auditor.gguf import validate_gguf
from auditor.refs import ResolvedModel

log = logging.getLogger(__name__)

HF_EXTRA = "pip install 'supply-chain-auditor[hf]' (install a CPU torch first on CPU machines)"
GPTQ_EXTRA = (
    "pip install 'supply-chain-auditor[gptq]' (gptqmodel: transformers 5 loads GPTQ and AWQ "
    "checkpoints only through it; auto-gptq and autoawq are archived upstream)"
)


def preflight(resolved: ResolvedModel) -> None:
    """A GGUF file is checked structurally before transformers' ``gguf`` reader maps it, so a
    truncated or hostile file gets a one-line error (as under llama.cpp), not a traceback."""
    if resolved.is_gguf and resolved.path is not None and resolved.path.is_file():
        validate_gguf(resolved.path)


def import_hf() -> tuple[Any, Any]:
    """torch and transformers (an error naming the [hf] extra when missing)."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise BackendUnavailableError(f"the transformers backend needs {HF_EXTRA}") from exc
    # Our CLI draws its own progress; transformers' tqdm bars would garble it.
    transformers.utils.logging.disable_progress_bar()
    return torch, transformers


def _pick_device(torch: Any, option: str) -> str:
    if option != "auto":
        return option
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def _pick_dtype(torch: Any, option: str, device: str, fmt: str) -> Any:
    if option != "auto":
        try:
            return getattr(torch, option)
        except AttributeError:
            raise UsageError(f"unknown dtype {option!r} (float32, bfloat16, float16)") from None
    if device == "cpu" or fmt == "gguf":
        return torch.float32  # half precision is slow or unsupported for many CPU kernels
    return "auto"  # the checkpoint's own dtype on accelerators


class TransformersBackend:
    """A model loaded once with transformers; greedy requests are batched with left padding."""

    name = "transformers"

    def __init__(self, resolved: ResolvedModel, options: BackendOptions) -> None:
        torch, transformers = import_hf()
        self._torch = torch
        identity = resolved.identity
        # A PEFT adapter: its base is loaded as any checkpoint, then the adapter merged in.
        weights, adapter = split_adapter(resolved, options)
        folder = weights.hf_dir
        if folder is None or not folder.is_dir():
            raise InputError(f"model folder not found: {folder}")
        fmt = weights.identity.format
        gguf_file = identity.file if fmt == "gguf" else None
        if fmt in ("gptq", "awq") and importlib.util.find_spec("gptqmodel") is None:
            raise BackendUnavailableError(f"{identity.reference} is a {fmt} checkpoint: "
                                          f"{GPTQ_EXTRA}")
        if gguf_file is None:
            check_remote_code(folder, trust_remote_code=options.trust_remote_code)
            safetensors_only = check_weights(folder, allow_pickle=options.allow_pickle)
        else:
            safetensors_only = False
        self.device = _pick_device(torch, options.device)
        dtype = _pick_dtype(torch, options.dtype, self.device, fmt)
        self.on_load = weights.identity.quantized_on_load  # bnb-nf4 / bnb-int8, or None
        # Too big for the first GPU and more than one: layers spread over all of them.
        self.spread = self.device == "cuda" and needs_device_map(
            int(weights_bytes(folder) * 1.2), local_gpu_memory())
        if options.threads:
            torch.set_num_threads(options.threads)
        tokenizer_folder = (resolved.tokenizer_dir or folder) if adapter else folder
        self.tokenizer = self._load_tokenizer(transformers, tokenizer_folder, gguf_file, options)
        model = self._load_model(transformers, folder, gguf_file, dtype, safetensors_only,
                                 options)
        self.model = apply_adapter(model, adapter) if adapter else model
        if not self.spread and not self.on_load:  # bitsandbytes placed it as it loaded
            self.model.to(self.device)
        self.model.eval()
        self.chat = self._choose_format(resolved, options)
        default_batch = 8 if self.device != "cpu" else 4
        self.batch_size = max(1, options.batch_size or default_batch)
        real_dtype = str(self.model.dtype).removeprefix("torch.")
        self.identity = identity.with_runtime(
            backend=self.name, dtype=real_dtype, chat_template=self.chat.label
        )
        log.info("transformers: %s on %s (%s), chat template %s", identity.reference,
                 self.device, real_dtype, self.chat.label)

    def _load_tokenizer(self, transformers: Any, folder: Any, gguf_file: str | None,
                        options: BackendOptions) -> Any:
        kwargs: dict[str, Any] = {"trust_remote_code": options.trust_remote_code}
        if gguf_file:
            kwargs["gguf_file"] = gguf_file
        try:
            tok = transformers.AutoTokenizer.from_pretrained(str(folder), **kwargs)
        except (OSError, ValueError) as exc:
            raise BackendError(f"cannot load the tokenizer of {folder}: {exc}") from exc
        tok.padding_side = "left"
        if tok.pad_token is None:
            tok.pad_token = tok.eos_token or tok.unk_token
        return tok

    def _load_model(self, transformers: Any, folder: Any, gguf_file: str | None, dtype: Any,
                    safetensors_only: bool, options: BackendOptions) -> Any:
        kwargs: dict[str, Any] = {"trust_remote_code": options.trust_remote_code, "dtype": dtype}
        if gguf_file:
            kwargs["gguf_file"] = gguf_file
        elif safetensors_only:
            kwargs["use_safetensors"] = True
        if self.spread:
            kwargs["device_map"] = "auto"  # accelerate places layers on every local GPU
        if self.on_load:
            kwargs["quantization_config"] = bnb_quantization_config(
                transformers, self._torch, self.on_load, self.device)
            kwargs.setdefault("device_map", {"": self.device})
        try:
            model = transformers.AutoModelForCausalLM.from_pretrained(str(folder), **kwargs)
        except ImportError as exc:
            raise BackendUnavailableError(f"cannot load {folder}: {exc}. {GPTQ_EXTRA}") from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise BackendError(f"transformers cannot load {folder}: {exc}") from exc
        return model

    def _choose_format(self, resolved: ResolvedModel, options: BackendOptions) -> ChatFormat:
        return tokenizer_chat_format(
            self.tokenizer, options.chat_template, resolved.identity,
            architecture=getattr(self.model.config, "model_type", None),
            embedded_label="embedded" if resolved.identity.format == "gguf" else "tokenizer",
        )

    def render(self, request: GenerationRequest, config: GenerationConfig) -> str:
        """The exact text the model is given for a request (its prefill appended)."""
        return self._rendered(request, config).text

    def _rendered(self, request: GenerationRequest, config: GenerationConfig) -> RenderedPrompt:
        return render_with_tokenizer(self.chat, request, self.tokenizer, config)

    def generate(
        self, requests: Sequence[GenerationRequest], config: GenerationConfig
    ) -> list[GenerationResult]:
        rendered = [self._rendered(r, config) for r in requests]
        prompts = [r.text for r in rendered]
        if config.greedy:
            out = self._batch(prompts, config, seed=None)
        else:
            # Sampling: one request at a time, each seeded, so a result never depends on
            # batching.
            out = []
            for prompt, request in zip(prompts, requests, strict=True):
                out.extend(self._batch([prompt], config, seed=request.seed))
        return [with_tool_calls(result, r.tool_prompt)
                for result, r in zip(out, rendered, strict=True)]

    def _hf_config(self, transformers: Any, config: GenerationConfig) -> Any:
        own = self.model.generation_config
        kwargs: dict[str, Any] = {
            "max_new_tokens": config.max_new_tokens,
            "do_sample": not config.greedy,
            "pad_token_id": self.tokenizer.pad_token_id,
            "eos_token_id": own.eos_token_id or self.tokenizer.eos_token_id,
            "bos_token_id": own.bos_token_id,
        }
        if not config.greedy:
            kwargs.update(temperature=config.temperature, top_p=config.top_p, top_k=0)
        return transformers.GenerationConfig(**kwargs)

    def _batch(
        self, prompts: list[str], config: GenerationConfig, seed: int | None
    ) -> list[GenerationResult]:
        import transformers

        torch = self._torch
        add_special = self.chat.completion_mode
        enc = self.tokenizer(prompts, return_tensors="pt", padding=True,
                             add_special_tokens=add_special).to(self.device)
        if seed is not None:
            torch.manual_seed(seed)
        try:
            with torch.inference_mode():
                output = self.model.generate(
                    **enc, generation_config=self._hf_config(transformers, config)
                )
        except (RuntimeError, ValueError) as exc:
            return [GenerationResult("", p, error=f"transformers: {exc}") for p in prompts]
        width = enc["input_ids"].shape[1]
        eos = self._eos_ids()
        results = []
        for row, prompt in enumerate(prompts):
            results.append(self._result(output[row, width:].tolist(), prompt,
                                        int(enc["attention_mask"][row].sum()), eos))
        return results

    def _eos_ids(self) -> set[int]:
        value = self.model.generation_config.eos_token_id or self.tokenizer.eos_token_id
        ids = value if isinstance(value, list) else [value]
        return {int(i) for i in ids if i is not None}

    def _result(self, tokens: list[int], prompt: str, n_prompt: int,
                eos: set[int]) -> GenerationResult:
        finish = "length"
        for index, token in enumerate(tokens):
            if token in eos:
                tokens, finish = tokens[:index], "stop"
                break
        text = self.tokenizer.decode(tokens, skip_special_tokens=True)
        return completion_result(text, prompt, finish_reason=finish, n_prompt_tokens=n_prompt,
                                 n_completion_tokens=len(tokens))

    def close(self) -> None:
        self.model = None
        if self.device.startswith("cuda"):
            self._torch.cuda.empty_cache()
