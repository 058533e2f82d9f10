"""The one Hub module: ranged reads and errors translated by type, against the local
stand-in Hub (the real huggingface_hub client and httpx2 underneath)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from auditor.backoff import RetryPolicy
from auditor.errors import (
    GatedRepoError,
    HubError,
    HubUnavailableError,
    InputError,
    RepoNotFoundError,
)
from auditor.hub import hub_api, hub_request, read_range, resolve_endpoint, translate
from tests.lineage.hub_server import HubServer

DATA = bytes(range(256)) * 40  # 10 240 bytes
FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.1, jitter=0.0)


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    with HubServer() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        server.add_model("org/weights", contents={"model.safetensors": DATA})
        yield server


def _sha(hub: HubServer) -> str:
    return hub.repos["org/weights"].sha


def test_read_range_returns_exactly_the_bytes_asked_for(hub: HubServer) -> None:
    assert read_range("org/weights", "model.safetensors", _sha(hub), 0, 8) == DATA[:8]
    assert read_range("org/weights", "model.safetensors", "main", 1000, 300) == DATA[1000:1300]
    ranged = [r for r in hub.requests if "/resolve/" in r.path]
    assert ranged[-1].headers.get("Range") == "bytes=1000-1299" and ranged[-1].status == 206


def test_read_range_stops_at_the_end_of_the_file(hub: HubServer) -> None:
    assert read_range("org/weights", "model.safetensors", "main", 10_000, 1000) == DATA[10_000:]
    assert read_range("org/weights", "model.safetensors", "main", 20_000, 10) == b""


def test_a_server_ignoring_range_is_read_only_so_far(hub: HubServer) -> None:
    hub.honour_range = False
    assert read_range("org/weights", "model.safetensors", "main", 16, 32) == DATA[16:48]


def test_read_range_refuses_bad_arguments(hub: HubServer) -> None:
    with pytest.raises(InputError, match="at most"):
        read_range("org/weights", "model.safetensors", "main", 0, 1 << 40)
    with pytest.raises(InputError, match="at most"):
        read_range("org/weights", "model.safetensors", "main", -1, 8)
    with pytest.raises(InputError, match=r"'\.\.'"):
        read_range("org/weights", "../etc/passwd", "main", 0, 8)


def test_read_range_errors_are_typed(hub: HubServer) -> None:
    hub.add_model("org/locked", access="denied", gated="manual",
                  contents={"model.safetensors": DATA})
    with pytest.raises(GatedRepoError, match="org/locked"):
        read_range("org/locked", "model.safetensors", "main", 0, 8)
    with pytest.raises(RepoNotFoundError, match="no such repository"):
        read_range("org/nothing", "model.safetensors", "main", 0, 8)
    with pytest.raises(RepoNotFoundError, match="file not found"):
        read_range("org/weights", "other.safetensors", "main", 0, 8)
    with pytest.raises(RepoNotFoundError, match="no such revision"):
        read_range("org/weights", "model.safetensors", "f" * 40, 0, 8)


def test_read_range_goes_through_the_retry_loop(hub: HubServer) -> None:
    hub.fail("/resolve/", 503, times=1)
    assert read_range("org/weights", "model.safetensors", "main", 0, 4) == DATA[:4]
    hub.fail("/resolve/", 503, times=100)
    with pytest.raises(HubUnavailableError, match="HTTP 503"):
        read_range("org/weights", "model.safetensors", "main", 0, 4, timeout=5)


def test_hub_request_translates_by_type(hub: HubServer) -> None:
    hub.add_model("org/locked", access="denied", gated="manual")
    api = hub_api()
    with pytest.raises(GatedRepoError, match="accept its licence"):
        hub_request(lambda: api.model_info("org/locked"), what="org/locked", policy=FAST)
    with pytest.raises(RepoNotFoundError):
        hub_request(lambda: api.model_info("org/gone"), what="org/gone", policy=FAST)
    assert hub_request(lambda: api.model_info("org/weights"), what="w").id == "org/weights"


def test_translate_keeps_our_errors_and_wraps_the_rest() -> None:
    ours = HubUnavailableError("down")
    assert translate(ours, "x") is ours
    other = translate(RuntimeError("boom"), "org/x")
    assert type(other) is HubError and "org/x" in str(other) and "boom" in str(other)


def test_endpoint_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/")
    assert resolve_endpoint() == "http://127.0.0.1:9"
    assert resolve_endpoint("http://other/") == "http://other"
    monkeypatch.delenv("HF_ENDPOINT")
    assert resolve_endpoint() == "https://huggingface.co"
