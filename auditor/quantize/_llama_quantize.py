"""llama.cpp's own quantizer (``llama_model_quantize`` through llama-cpp-python).

:func:`quantize_gguf` runs it in this process (the demo's builder does); :func:`quantize_in_child`
runs the same function in a child Python process, so a native crash on a model the audit made
is a reason in the report, not the end of the audit.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import BackendError, QuantizationError
from auditor.quantize._child import run_child
from auditor.quantize._methods import QuantizeMethod, parse_method

log = logging.getLogger(__name__)

_TIMEOUT_S = 6 * 3600


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
    quantization: str | QuantizeMethod,
    *,
    allow_requantize: bool = True,
    threads: int | None = None,
) -> QuantizeResult:
    """Write ``dst``: ``src`` quantized to ``quantization`` (e.g. ``"Q8_0"``, ``"Q2_K"``).

    ``allow_requantize`` lets llama.cpp start from tensors that are already quantized.
    Written to a temporary name first, so an interrupted run never leaves a truncated file.
    """
    method = quantization if isinstance(quantization, QuantizeMethod) else parse_method(
        quantization)
    if method.kind != "gguf":
        raise QuantizationError(f"{method.name} is not a GGUF type")
    llama_cpp = _import_llama_cpp()
    if not src.is_file():
        raise BackendError(f"cannot quantize {src}: the file does not exist")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, method.ftype)
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
        raise BackendError(
            f"llama.cpp failed to quantize {src.name} to {method.name} (code {rc}){hint}")
    tmp.replace(dst)
    size = dst.stat().st_size
    log.info("quantized %s -> %s (%s) in %.1f s, %.1f MB", src.name, dst.name, method.name,
             seconds, size / 1e6)
    return QuantizeResult(dst, method.name, seconds, size)


def quantize_in_child(src: Path, dst: Path, method: QuantizeMethod) -> QuantizeResult:
    """:func:`quantize_gguf` in a child process; a crash or failure is a QuantizationError."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "auditor.quantize._llama_quantize", str(src), str(dst),
               method.name]
    run_child(command, tool="llama.cpp's quantizer", label=method.name, made=dst,
              timeout_s=_TIMEOUT_S)
    return QuantizeResult(dst, method.name, time.perf_counter() - start, dst.stat().st_size)


def _import_llama_cpp() -> Any:
    from auditor.backends import import_llama_cpp

    # the quantizer's per-tensor lines go to logging, not stderr
    return import_llama_cpp(
        "quantizing GGUF files needs llama-cpp-python: pip install 'supply-chain-auditor[gguf]'"
    )


if __name__ == "__main__":  # the child of quantize_in_child
    try:
        quantize_gguf(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
    except Exception as exc:  # the parent reads the last line
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
