"""Quantize a GGUF file with llama.cpp's own quantizer (through llama-cpp-python)."""

from __future__ import annotations

import ctypes
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import BackendError, UsageError

log = logging.getLogger(__name__)

#: Quantization types the demo offers (llama.cpp's ``LLAMA_FTYPE_MOSTLY_<name>``).
QUANT_TYPES = (
    "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_0", "Q4_K_M", "Q4_K_S", "Q4_0",
    "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q2_K",
)


@dataclass(frozen=True, slots=True)
class QuantizeResult:
    """What one quantization produced and what it cost."""

    path: Path
    quantization: str
    seconds: float
    size_bytes: int


def quantize_gguf(
    src: Path,
    dst: Path,
    quantization: str,
    *,
    allow_requantize: bool = True,
    threads: int | None = None,
) -> QuantizeResult:
    """Write ``dst``: ``src`` quantized to ``quantization`` (e.g. ``"Q8_0"``, ``"Q2_K"``).

    ``allow_requantize`` lets llama.cpp start from tensors that are already quantized (the
    Gemma 270M GGUF is Q4_K_M; its token embedding stays Q8_0 in the demo's merged files).
    Written to a temporary name first, so an interrupted run never leaves a truncated file.
    """
    name = quantization.upper()
    if name not in QUANT_TYPES:
        raise UsageError(
            f"unknown quantization {quantization!r}; choose one of: {', '.join(QUANT_TYPES)}"
        )
    llama_cpp = _import_llama_cpp()
    if not src.is_file():
        raise BackendError(f"cannot quantize {src}: the file does not exist")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{name}")
    params.allow_requantize = allow_requantize
    params.nthread = threads or os.cpu_count() or 1
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".partial")
    start = time.perf_counter()
    rc = llama_cpp.llama_model_quantize(
        str(src).encode(), str(tmp).encode(), ctypes.byref(params)
    )
    seconds = time.perf_counter() - start
    if rc != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        hint = "" if allow_requantize else " (the source is already quantized: allow requantize)"
        raise BackendError(f"llama.cpp failed to quantize {src.name} to {name} (code {rc}){hint}")
    tmp.replace(dst)
    size = dst.stat().st_size
    log.info("quantized %s -> %s (%s) in %.1f s, %.1f MB", src.name, dst.name, name, seconds,
             size / 1e6)
    return QuantizeResult(dst, name, seconds, size)


def _import_llama_cpp() -> Any:
    from auditor.backends import import_llama_cpp

    # the quantizer's per-tensor lines go to logging, not stderr
    return import_llama_cpp(
        "quantizing GGUF files needs llama-cpp-python: pip install 'supply-chain-auditor[gguf]'"
    )


__all__ = ["QUANT_TYPES", "QuantizeResult", "quantize_gguf"]
