"""Will a model fit? An estimate made before loading, so an audit never dies of OOM.

The estimate is deliberately coarse and errs high: weights as they will sit in memory (GGUF
files as-is under llama.cpp; dequantized to float32 under transformers on CPU; 16-bit
checkpoints widened to float32 on CPU; bitsandbytes variants at their 4 or 8 bits) plus a
working margin for activations and KV cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.backends import local_gpu_memory, usable_gpu_bytes, weights_bytes
from auditor.refs import ResolvedModel

GIB = 1024**3
_OVERHEAD_FACTOR = 1.25
_OVERHEAD_BYTES = int(0.5 * GIB)

# Approximate bits per weight of common GGUF types (llama.cpp's published figures).
_GGUF_BITS = {
    "F32": 32.0, "F16": 16.0, "BF16": 16.0, "Q8_0": 8.5, "Q6_K": 6.56, "Q5_K_M": 5.69,
    "Q5_K_S": 5.54, "Q5_0": 5.5, "Q4_K_M": 4.85, "Q4_K_S": 4.58, "Q4_0": 4.5, "Q3_K_L": 4.27,
    "Q3_K_M": 3.91, "Q3_K_S": 3.5, "Q2_K": 2.63, "IQ4_XS": 4.25, "IQ3_XS": 3.3, "IQ2_XS": 2.31,
}  # fmt: skip

#: bitsandbytes variants against the 16-bit checkpoint they load from, erring high: 4.5 bits
#: (NF4 with its block scales) or 8 bits of 16 for the linear layers, the rest as stored.
_ON_LOAD_SHARE = {"bnb-nf4": 0.45, "bnb-int8": 0.65}


@dataclass(frozen=True, slots=True)
class MemoryEstimate:
    needed_bytes: int
    available_bytes: int
    detail: str

    @property
    def fits(self) -> bool:
        return self.needed_bytes <= self.available_bytes

    def message(self, model: str) -> str:
        return (
            f"{model} needs about {self.needed_bytes / GIB:.1f} GiB ({self.detail}) but only "
            f"{self.available_bytes / GIB:.1f} GiB is available; use a smaller quantization, "
            "a machine with more memory, or serve it remotely (an openai: override)"
        )


def available_memory_bytes() -> int:
    """MemAvailable from /proc/meminfo (Linux); a large number where it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 62


def estimate_memory(
    resolved: ResolvedModel,
    backend: str,
    *,
    device: str = "cpu",
    available_bytes: int | None = None,
    gpu_memory: Sequence[int] | None = None,
    tensor_parallel: int = 1,
    gpu_memory_utilization: float = 0.9,
) -> MemoryEstimate:
    """Bytes ``resolved`` needs once loaded by ``backend`` on ``device``.

    On GPUs (``gpu_memory``: total bytes per GPU, this machine's when not given) a
    transformers model may span every GPU (``device_map="auto"``) and a vllm one its
    ``tensor_parallel`` GPUs at their ``gpu_memory_utilization`` share; each GPU loses a fixed
    overhead. Elsewhere the machine's available RAM counts.
    """
    identity = resolved.identity
    gpus: Sequence[int] = ()
    if backend in ("transformers", "vllm") and device != "cpu" and identity.format != "remote":
        gpus = local_gpu_memory() if gpu_memory is None else gpu_memory
    if available_bytes is not None:
        available = available_bytes
    elif gpus:
        available = usable_gpu_bytes(gpus, backend, tensor_parallel=tensor_parallel,
                                     utilization=gpu_memory_utilization)
    else:
        available = available_memory_bytes()
    if identity.format == "remote" or resolved.path is None:
        return MemoryEstimate(0, available, "served remotely")
    size = weights_bytes(resolved.path)
    if resolved.base is not None and resolved.base.path is not None:  # an adapter on its base
        size += weights_bytes(resolved.base.path)
    on_cpu = not gpus and not device.startswith(("cuda", "mps"))
    if identity.format == "gguf":
        if backend == "transformers":
            bits = _GGUF_BITS.get((identity.quantization or "").upper(), 4.5)
            size = int(size * 32.0 / bits)
            detail = f"GGUF dequantized to float32 from ~{bits:g} bits per weight"
        else:
            detail = "GGUF file mapped by llama.cpp"
    elif identity.quantized_on_load:
        share = _ON_LOAD_SHARE[identity.quantized_on_load]
        size = int(size * share)
        detail = (f"{identity.quantized_on_load} weights, ~{share:.0%} of a 16-bit checkpoint "
                  "(embeddings and head unquantized)")
    elif on_cpu and identity.format in {"safetensors", "pytorch", "peft"}:
        size *= 2  # 16-bit checkpoints widen to float32 on CPU (float32 ones are counted high)
        detail = "weights in float32 on CPU"
    else:
        detail = "weights as stored"
    if gpus:
        count = min(tensor_parallel, len(gpus)) if backend == "vllm" else len(gpus)
        detail += f" across {count} GPU{'s' if count > 1 else ''}"
    needed = int(size * _OVERHEAD_FACTOR) + _OVERHEAD_BYTES
    return MemoryEstimate(needed, available, detail)
