"""The ``Backend`` Protocol: one loaded model that turns requests into results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from auditor.backends._types import (
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    GenerationResult,
)
from auditor.refs import ModelIdentity, ResolvedModel


@runtime_checkable
class Backend(Protocol):
    """A loaded model.

    ``identity`` is the resolved identity completed with what loading decided (backend name,
    dtype, chat template used). ``batch_size`` is how many requests ``generate`` takes at once
    with profit (1 for backends that gain nothing from batching).
    """

    name: str
    identity: ModelIdentity
    batch_size: int

    def generate(
        self, requests: Sequence[GenerationRequest], config: GenerationConfig
    ) -> list[GenerationResult]:
        """Complete each request, in order. A failed request yields a result with ``error``."""
        ...

    def close(self) -> None:
        """Free the model (memory, threads, connections)."""
        ...


BackendFactory = Callable[[ResolvedModel, BackendOptions], Backend]
