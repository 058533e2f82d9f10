"""Quantize on the fly: evaluate a full-precision model also as it will ship.

``--quantize TYPE`` makes, for a full-precision (safetensors) model, the GGUF variant TYPE
with llama.cpp's own HF->GGUF converter and quantizer (:func:`make_variant`), cached by source,
method and tool versions. ``bnb-nf4`` / ``bnb-int8`` are made as the checkpoint loads
(bitsandbytes, through the reference ``<model>:bnb-nf4``); ``gptq-4bit`` is a GPTQ checkpoint
folder made by gptqmodel where it is installed, cached the same way.
"""

from auditor.quantize._converter import (
    ENV_VAR,
    ConverterInfo,
    ConverterStatus,
    convert_to_gguf,
    converter_status,
    default_folder,
    find_converter,
    llama_cpp_version,
)
from auditor.quantize._llama_quantize import QuantizeResult, quantize_gguf
from auditor.quantize._make import (
    FULL_PRECISION_FORMATS,
    MadeVariant,
    VariantOutcome,
    make_variant,
    make_variants,
    variant_error,
)
from auditor.quantize._methods import (
    GGUF_TYPES,
    LIBRARY_METHODS,
    NEEDS_IMATRIX,
    QuantizeMethod,
    bitsandbytes_reason,
    check_available,
    parse_method,
    parse_methods,
    unavailable_reason,
)

__all__ = [
    "ENV_VAR",
    "FULL_PRECISION_FORMATS",
    "GGUF_TYPES",
    "LIBRARY_METHODS",
    "NEEDS_IMATRIX",
    "ConverterInfo",
    "ConverterStatus",
    "MadeVariant",
    "QuantizeMethod",
    "QuantizeResult",
    "VariantOutcome",
    "bitsandbytes_reason",
    "check_available",
    "convert_to_gguf",
    "converter_status",
    "default_folder",
    "find_converter",
    "llama_cpp_version",
    "make_variant",
    "make_variants",
    "parse_method",
    "parse_methods",
    "quantize_gguf",
    "unavailable_reason",
    "variant_error",
]
