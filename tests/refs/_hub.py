"""Hub reference tests: the local file server as a fixture, and resolution into its own cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.refs import ResolvedModel
from auditor.refs import resolve_reference as _resolve
from tests.fixtures.hub_files import HubFiles

_CACHE: list[Path] = []


def resolve_reference(ref: str, allow_pickle: bool = False, base: str | None = None
                      ) -> ResolvedModel:
    """Resolve into this test's own cache (huggingface_hub reads HF_HUB_CACHE at import)."""
    return _resolve(ref, allow_pickle=allow_pickle, cache_dir=_CACHE[-1], base=base)


def serve_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubFiles]:
    """The body of the ``hub`` fixture (tests/refs/conftest.py)."""
    with HubFiles() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
        _CACHE.append(tmp_path / "hub-cache")
        yield server
