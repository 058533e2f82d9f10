"""Quantize a GGUF file with llama.cpp's own quantizer: the demo's offered types, on top of
:func:`auditor.quantize.quantize_gguf` (which knows every type llama.cpp offers)."""

from __future__ import annotations

from pathlib import Path

from auditor.errors import UsageError
from auditor.quantize import QuantizeResult
from auditor.quantize import quantize_gguf as _quantize_gguf

#: Quantization types the demo offers (llama.cpp's ``LLAMA_FTYPE_MOSTLY_<name>``).
QUANT_TYPES = (
    "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_0", "Q4_K_M", "Q4_K_S", "Q4_0",
    "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q2_K",
)


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
    return _quantize_gguf(src, dst, name, allow_requantize=allow_requantize, threads=threads)


__all__ = ["QUANT_TYPES", "QuantizeResult", "quantize_gguf"]
