"""The quantization methods ``--quantize`` accepts, and why one cannot run here.

GGUF types are those llama.cpp's own quantizer offers (``tools/quantize/quantize.cpp``'s
``QUANT_OPTIONS`` in the pinned llama.cpp, ``COPY`` aside), with its aliases (``Q4_K`` is
``Q4_K_M``). A handful of very low-bit types need an importance matrix computed from
calibration text; ``--quantize`` computes none, so it names them as not available rather than
letting llama.cpp fail mid-run. ``bnb-nf4`` / ``bnb-int8`` are bitsandbytes' formats, made as
the transformers backend loads the checkpoint (no file): on a CUDA GPU, or on the CPU with
bitsandbytes 0.48+ (its CPU backend). ``gptq-4bit`` is made by gptqmodel (the ``gptq`` extra),
calibrated on the project's own text, on a CUDA GPU or on the CPU (:mod:`auditor.quantize._gptq`).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Literal

from auditor.errors import QuantizationError, UsageError
from auditor.versions import importable_version

#: llama.cpp's quantizer types, as its ``llama-quantize`` tool names them.
GGUF_TYPES = (
    "Q1_0", "Q2_0", "Q4_0", "Q4_1", "MXFP4_MOE", "Q5_0", "Q5_1", "IQ2_XXS", "IQ2_XS", "IQ2_S",
    "IQ2_M", "IQ1_S", "IQ1_M", "TQ1_0", "TQ2_0", "Q2_K", "Q2_K_S", "IQ3_XXS", "IQ3_S", "IQ3_M",
    "IQ3_XS", "Q3_K_S", "Q3_K_M", "Q3_K_L", "IQ4_NL", "IQ4_XS", "Q4_K_S", "Q4_K_M", "Q5_K_S",
    "Q5_K_M", "Q6_K", "Q8_0", "F16", "BF16", "F32",
)
_ALIASES = {"Q3_K": "Q3_K_M", "Q4_K": "Q4_K_M", "Q5_K": "Q5_K_M"}
#: Types llama.cpp refuses to make without an importance matrix.
NEEDS_IMATRIX = frozenset({"IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "Q2_K_S"})
#: Methods of another library: name -> (the library it needs, its import name).
LIBRARY_METHODS = {
    "bnb-nf4": ("bitsandbytes", "bitsandbytes"),
    "bnb-int8": ("bitsandbytes", "bitsandbytes"),
    "gptq-4bit": ("gptqmodel", "gptqmodel"),
}

Kind = Literal["gguf", "bnb", "gptq"]


@dataclass(frozen=True, slots=True)
class QuantizeMethod:
    """One ``--quantize`` value: its canonical name (the suffix of the made node's id)."""

    name: str
    kind: Kind

    @property
    def ftype(self) -> str:
        """llama.cpp's ``LLAMA_FTYPE_*`` constant name of a GGUF type."""
        return "LLAMA_FTYPE_ALL_F32" if self.name == "F32" else f"LLAMA_FTYPE_MOSTLY_{self.name}"


def parse_method(text: str) -> QuantizeMethod:
    """``Q8_0``, ``q4_k_m``, ``Q4_K``, ``bnb-nf4``... as a method (``UsageError`` otherwise)."""
    name = text.strip()
    lowered = name.lower()
    if lowered in LIBRARY_METHODS:
        return QuantizeMethod(lowered, "gptq" if lowered.startswith("gptq") else "bnb")
    upper = _ALIASES.get(name.upper(), name.upper())
    if upper in GGUF_TYPES:
        return QuantizeMethod(upper, "gguf")
    choices = ", ".join((*GGUF_TYPES, *LIBRARY_METHODS))
    raise UsageError(f"unknown quantization {text!r}; choose one of: {choices}")


def parse_methods(texts: tuple[str, ...] | list[str]) -> tuple[QuantizeMethod, ...]:
    """Each value parsed once, duplicates dropped, order kept."""
    seen: dict[str, QuantizeMethod] = {}
    for text in texts:
        method = parse_method(text)
        seen.setdefault(method.name, method)
    return tuple(seen.values())


def unavailable_reason(method: QuantizeMethod) -> str:
    """Why ``method`` cannot run on this machine ("" when it can, as far as is known before
    trying: the converter and the architecture are checked when the model is made)."""
    if method.kind == "gguf":
        if method.name in NEEDS_IMATRIX:
            return (f"{method.name} needs an importance matrix (llama-imatrix), which "
                    "--quantize does not compute")
        return ""
    library, module = LIBRARY_METHODS[method.name]
    if method.kind == "bnb":
        return bitsandbytes_reason(method.name, importable_version("bitsandbytes"),
                                   _cuda_available())
    if importlib.util.find_spec(module) is None:
        return (f"{method.name} needs {library}, which is not installed "
                "(pip install 'supply-chain-auditor[gptq]'; the README says how beside a CPU "
                "torch)")
    return ""


#: The first bitsandbytes release with a CPU backend (4-bit and 8-bit layers on CPUs).
BNB_CPU_SINCE = (0, 48)


def bitsandbytes_reason(name: str, version: str | None, cuda: bool) -> str:
    """Why bitsandbytes ``version`` (None: not installed) cannot make ``name`` here ("" when it
    can): it needs a CUDA GPU before 0.48."""
    if version is None:
        return (f"{name} needs bitsandbytes, which is not installed "
                "(pip install 'supply-chain-auditor[bnb]')")
    if not cuda and _release(version) < BNB_CPU_SINCE:
        return (f"{name} needs a CUDA GPU with bitsandbytes {version} (0.48 and later also run "
                "on CPUs)")
    return ""


def _release(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split(".")[:2]:
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_available(method: QuantizeMethod) -> None:
    """Raise :class:`QuantizationError` with :func:`unavailable_reason` when there is one."""
    reason = unavailable_reason(method)
    if reason:
        raise QuantizationError(reason)


def _cuda_available() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())
