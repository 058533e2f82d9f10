"""The optional ``gguf`` package (the ``[gguf]`` extra), imported only by the code that needs it.

Writing GGUF files (the demo, the doctor's tiny models) and dequantizing sampled blocks (weight
fingerprints) use the package; reading headers (this package's own reader) never does.
"""

from __future__ import annotations

from typing import Any

from auditor.errors import BackendUnavailableError


def import_gguf_package(purpose: str) -> Any:
    """The ``gguf`` module; without it a :class:`BackendUnavailableError` that says ``purpose``
    (e.g. ``"writing GGUF files"``) needs it and names the pip extra."""
    try:
        import gguf
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise BackendUnavailableError(
            f"{purpose} needs the gguf package: pip install 'supply-chain-auditor[gguf]'"
        ) from exc
    return gguf
