"""Fixtures for lineage tests: a Hub stand-in server and crawl options pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.backoff import RetryPolicy
from lineage import CrawlOptions
from tests.lineage.hub_server import HubServer

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=3.0, jitter=0.0)


@pytest.fixture(autouse=True)
def _no_ambient_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No token or endpoint leaks in from the machine running the tests."""
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "auditor-cache"))


@pytest.fixture
def hub() -> Iterator[HubServer]:
    with HubServer() as server:
        yield server


@pytest.fixture
def options(hub: HubServer) -> Callable[..., CrawlOptions]:
    def make(**changes: Any) -> CrawlOptions:
        changes.setdefault("endpoint", hub.url)
        changes.setdefault("retry", FAST_RETRY)
        return CrawlOptions(**changes)

    return make
