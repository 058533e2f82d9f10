"""Importing llama-cpp-python the one way the tool does it (the llamacpp backend and the
demo's quantizer share it): no gdb backtrace on a failed assert, native log lines routed to
``logging`` instead of raw stderr, and a missing install as a clear error naming the extra."""

from __future__ import annotations

import logging
import os
from typing import Any

from auditor.errors import BackendUnavailableError

MISSING_LLAMA_CPP = (
    "the llamacpp backend needs llama-cpp-python: pip install "
    "'supply-chain-auditor[gguf]' (or use --backend transformers)"
)

_LOG_CALLBACK: Any = None


def import_llama_cpp(missing: str = MISSING_LLAMA_CPP) -> Any:
    """The ``llama_cpp`` module, set up; ``missing`` is the error message when it is not
    installed (a :class:`BackendUnavailableError`)."""
    # On a failed GGML_ASSERT, ggml forks a child that attaches gdb to print a backtrace and
    # waits for it. When two threads assert at once (a NaN norm epsilon does, while decoding)
    # the two forked children can block each other for ever: the process then hangs instead
    # of dying, and the worker's crash is never reported. Without the backtrace it aborts.
    os.environ.setdefault("GGML_NO_BACKTRACE", "1")
    try:
        import llama_cpp
    except ImportError as exc:
        raise BackendUnavailableError(missing) from exc
    _route_native_logs(llama_cpp)
    return llama_cpp


def _route_native_logs(llama_cpp: Any) -> None:
    """Send llama.cpp's own log lines to ``logging`` (debug) instead of raw stderr."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is not None:
        return
    import ctypes

    native = logging.getLogger("auditor.backends.llama_cpp_native")

    def forward(level: int, text: bytes, user_data: Any) -> None:
        native.debug("%s", text.decode("utf-8", errors="replace").rstrip())

    _LOG_CALLBACK = llama_cpp.llama_log_callback(forward)
    llama_cpp.llama_log_set(_LOG_CALLBACK, ctypes.c_void_p(0))
