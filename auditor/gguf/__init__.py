"""GGUF files read safely: one bounded reader for every caller, and a validator for llama.cpp.

Lineage (``general.*`` keys), model references (architecture, file type, chat template) and
the llama.cpp backend's preflight all read GGUF headers written by strangers; they share this
one reader so a hostile file meets the same bounds everywhere. Nothing here imports numpy or
llama.cpp; the ``gguf`` package, when installed, supplies the tensor type table.

    from auditor.gguf import read_gguf_metadata, validate_gguf
    meta = read_gguf_metadata("model.Q4_K_M.gguf")   # tokens stand as SkippedArray
    layout = validate_gguf("model.Q4_K_M.gguf")      # InputError on any malformation
"""

from auditor.gguf._package import import_gguf_package
from auditor.gguf._reader import (
    LIMITS,
    SMALL_ARRAY,
    FieldType,
    GgufHeader,
    GgufLimits,
    GgufTruncatedError,
    SkippedArray,
    read_gguf_header,
    read_gguf_metadata,
)
from auditor.gguf._types import file_type_name, ggml_types
from auditor.gguf._validate import (
    DEFAULT_ALIGNMENT,
    GgufLayout,
    TensorInfo,
    validate_gguf,
    validate_gguf_prefix,
)

__all__ = [
    "DEFAULT_ALIGNMENT",
    "LIMITS",
    "SMALL_ARRAY",
    "FieldType",
    "GgufHeader",
    "GgufLayout",
    "GgufLimits",
    "GgufTruncatedError",
    "SkippedArray",
    "TensorInfo",
    "file_type_name",
    "ggml_types",
    "import_gguf_package",
    "read_gguf_header",
    "read_gguf_metadata",
    "validate_gguf",
    "validate_gguf_prefix",
]
