"""Backends: one ``Backend`` Protocol, implementations registered by name.

Built in: ``transformers`` (safetensors, GGUF via dequantization, GPTQ/AWQ via gptqmodel),
``llamacpp`` (GGUF through llama-cpp-python) and ``openai`` (any OpenAI-compatible server).
Heavy libraries are imported only when a backend is loaded. Plug-ins register through the
``auditor.backends`` entry-point group.
"""

from auditor.backends._chat import (
    BUILTIN_TEMPLATES,
    COMPLETION_MODE,
    ChatFormat,
    choose_chat_format,
    render_chat,
)
from auditor.backends._gpus import (
    PER_GPU_OVERHEAD_BYTES,
    local_gpu_memory,
    needs_device_map,
    usable_gpu_bytes,
    weights_bytes,
)
from auditor.backends._llama_lib import import_llama_cpp
from auditor.backends._peft import import_peft
from auditor.backends._protocol import Backend, BackendFactory
from auditor.backends._reasoning import split_reasoning
from auditor.backends._registry import (
    auto_backend_name,
    backend_names,
    get_backend,
    load_backend,
    register_backend,
)
from auditor.backends._transformers import import_hf
from auditor.backends._types import (
    UNSUPPORTED,
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    GenerationResult,
)
from auditor.backends._worker import describe_exit, portable_error

__all__ = [
    "PER_GPU_OVERHEAD_BYTES",
    "local_gpu_memory",
    "needs_device_map",
    "usable_gpu_bytes",
    "weights_bytes",
    "BUILTIN_TEMPLATES",
    "COMPLETION_MODE",
    "UNSUPPORTED",
    "Backend",
    "BackendFactory",
    "BackendOptions",
    "ChatFormat",
    "GenerationConfig",
    "GenerationRequest",
    "GenerationResult",
    "auto_backend_name",
    "backend_names",
    "choose_chat_format",
    "describe_exit",
    "portable_error",
    "get_backend",
    "import_hf",
    "import_llama_cpp",
    "import_peft",
    "load_backend",
    "register_backend",
    "render_chat",
    "split_reasoning",
]
