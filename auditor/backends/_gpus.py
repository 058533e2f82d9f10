"""Local GPUs: how much memory they offer a model, and when one model must span several.

Pure functions of a GPU inventory (total bytes per GPU) so the memory estimate and the
transformers backend's ``device_map`` choice are tested with constructed inventories; only
:func:`local_gpu_memory` asks torch.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

GIB = 1024**3
PER_GPU_OVERHEAD_BYTES = 1 * GIB  # CUDA context, allocator slack, per GPU in use
WEIGHT_SUFFIXES = frozenset({".safetensors", ".bin", ".pt", ".pth", ".gguf"})


def local_gpu_memory() -> tuple[int, ...]:
    """Total memory of each visible CUDA GPU; empty without torch or CUDA."""
    if importlib.util.find_spec("torch") is None:
        return ()
    import torch

    if not torch.cuda.is_available():
        return ()
    return tuple(int(torch.cuda.get_device_properties(i).total_memory)
                 for i in range(torch.cuda.device_count()))


def weights_bytes(path: Path) -> int:
    """Bytes of a weight file, or of the weight files in a model folder."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.iterdir() if f.suffix in WEIGHT_SUFFIXES)


def usable_gpu_bytes(gpu_memory: Sequence[int], backend: str, *, tensor_parallel: int = 1,
                     utilization: float = 0.9) -> int:
    """Bytes a model may occupy on these GPUs under ``backend``.

    vllm: the first ``tensor_parallel`` GPUs, each at its ``utilization`` share (vLLM's own
    budget for weights and KV cache), less the per-GPU overhead. transformers (and others):
    every GPU, as ``device_map="auto"`` spreads the layers, each less the per-GPU overhead.
    """
    used = list(gpu_memory[:tensor_parallel]) if backend == "vllm" else list(gpu_memory)
    share = utilization if backend == "vllm" else 1.0
    return sum(max(0, int(total * share) - PER_GPU_OVERHEAD_BYTES) for total in used)


def needs_device_map(model_bytes: int, gpu_memory: Sequence[int]) -> bool:
    """Whether a model of ``model_bytes`` (as loaded) must be spread over several GPUs: it
    does not fit on the first one and there is more than one."""
    if len(gpu_memory) < 2:
        return False
    return model_bytes > gpu_memory[0] - PER_GPU_OVERHEAD_BYTES
