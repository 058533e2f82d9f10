"""A hostile or dying Hub: every wait bounded, each failure one clear message.

Against the local stand-in (tests/lineage/hub_server.py) and a server that accepts
connections and never answers (tests/fixtures/silent_server.py). Time bounds are generous
(60 s) on purpose: they separate "ends" from "hangs for hours", not fast from slow.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditor.backoff import RetryPolicy
from auditor.errors import HubUnavailableError
from lineage import CrawlOptions, crawl_hub
from lineage._hubclient import HubClient
from tests.fixtures.hostile import within
from tests.fixtures.silent_server import SilentServer
from tests.lineage.conftest import FAST_RETRY
from tests.lineage.hub_server import HubServer

BOUND = 60.0


def _errors(graph) -> list[str]:
    return [w.message for w in graph.warnings if w.kind == "error"]


def test_429_asking_for_a_day_ends_at_once_naming_the_cap(hub: HubServer, options) -> None:
    hub.add_model("org/base")
    hub.fail("/api/models/org/base", 429, times=100, headers={"Retry-After": "100000"})
    started = time.monotonic()
    graph = within(BOUND, lambda: crawl_hub("org/base", options(retry=RetryPolicy())))
    assert time.monotonic() - started < BOUND
    assert graph.root_node.status == "error"
    [message] = _errors(graph)[:1]
    assert "HTTP 429" in message and "100000 s" in message and "60 s cap" in message
    assert hub.count("/api/models/org/base") == 1  # not retried: waiting a minute is futile


def test_the_wait_cap_is_configurable(hub: HubServer, options, monkeypatch) -> None:
    monkeypatch.setenv("AUDITOR_MAX_RETRY_WAIT", "1")
    hub.add_model("org/base")
    hub.fail("/api/models/org/base", 429, times=100, headers={"Retry-After": "3"})
    graph = crawl_hub("org/base", options(retry=RetryPolicy()))
    assert "1 s cap" in _errors(graph)[0]
    assert "AUDITOR_MAX_RETRY_WAIT" in _errors(graph)[0]


def test_ratelimit_header_over_the_cap_on_the_listing(hub: HubServer, options) -> None:
    hub.add_model("org/base")
    hub.add_model("org/kid", base_model="org/base")
    hub.fail("filter=base_model", 429, times=100,
             headers={"RateLimit": '"api";r=0;t=86400'})
    graph = within(BOUND, lambda: crawl_hub("org/base", options(retry=RetryPolicy())))
    assert graph.root_node.status == "ok"
    assert any("86400 s" in m and "cap" in m for m in _errors(graph))


def test_client_error_is_a_hub_error(hub: HubServer, options) -> None:
    hub.add_model("org/base")
    hub.fail("/api/models/org/base", 429, times=100, headers={"Retry-After": "100000"})
    client = HubClient(options())
    with pytest.raises(HubUnavailableError, match="cap"):
        client.model("org/base")
    hub.reset_counts()
    with pytest.raises(HubUnavailableError, match="not tried, the Hub was unavailable"):
        client.children("org/base")  # a rate limit holds for every request: not asked
    assert hub.count() == 0


def test_server_that_never_answers() -> None:
    server = SilentServer()
    with server as url:
        opts = CrawlOptions(endpoint=url, timeout=1, retry=FAST_RETRY)
        started = time.monotonic()
        graph = within(BOUND, lambda: crawl_hub("org/base", opts))
        spent = time.monotonic() - started
    assert spent < BOUND
    assert graph.root_node.status == "error"
    [message] = _errors(graph)
    assert "no answer from 127.0.0.1" in message and "within 1 s" in message
    assert "after 3 attempts" in message
    # the root's children are not listed (and retried) again: the Hub is down
    assert server.accepted == 3


def test_client_that_never_gets_an_answer_raises_hub_error() -> None:
    with SilentServer() as url:
        client = HubClient(CrawlOptions(endpoint=url, timeout=1, retry=FAST_RETRY))
        with pytest.raises(HubUnavailableError, match="within 1 s"):
            within(BOUND, lambda: client.children("org/base"))  # list_models: timeout=None


def test_5xx_storm_is_bounded_and_stops_the_crawl(hub: HubServer, options) -> None:
    hub.add_model("org/base")
    for i in range(20):
        hub.add_model(f"org/kid-{i}", base_model="org/base")
        hub.add_model(f"org/grandkid-{i}", base_model=f"org/kid-{i}")
    graph = crawl_hub("org/base", options())
    hub.reset_counts()
    hub.fail("/api/models", 503, times=100_000)
    started = time.monotonic()
    graph = within(BOUND, lambda: crawl_hub("org/base", options(concurrency=1)))
    assert time.monotonic() - started < BOUND
    assert graph.root_node.status == "error"
    assert "HTTP 503" in _errors(graph)[0]
    assert hub.count() <= 3 * 3  # three failures in a row trip the breaker; 3 attempts each


def test_one_broken_repo_does_not_stop_the_crawl(hub: HubServer, options) -> None:
    hub.add_model("org/base")
    hub.add_model("org/kid", base_model="org/base")
    hub.add_model("org/other", base_model="org/base")
    hub.fail("base_model%3Aorg%2Fkid", 500, times=100)
    graph = crawl_hub("org/base", options())
    assert graph.node("org/other").status == "ok"
    assert any("HTTP 500" in m for m in _errors(graph))


def test_hostile_file_names_and_ids_from_the_hub(hub: HubServer, options,
                                                 tmp_path: Path) -> None:
    names = ["../../x.gguf", "/etc/passwd", "a\x1b]0;pwned\x07.gguf", "a" * 5000 + ".gguf",
             "..\\..\\evil.safetensors", "dir/\x00.bin"]
    hub.add_model("org/base", files=names)
    hub.add_model("org/ki\x1b[2Jd", base_model="org/base", files=["m.Q4_K_M.gguf"])
    graph = within(BOUND, lambda: crawl_hub("org/base", options()))
    assert graph.root_node.status == "ok"
    graph.save(tmp_path / "family.json")
    assert (tmp_path / "family.json").is_file()
    assert not list(tmp_path.glob("**/passwd"))
