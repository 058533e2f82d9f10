"""Fixtures for the reference tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.hub_files import HubFiles
from tests.refs._hub import serve_hub


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubFiles]:
    """A local Hub file server that huggingface_hub talks to (HF_ENDPOINT)."""
    yield from serve_hub(monkeypatch, tmp_path)
