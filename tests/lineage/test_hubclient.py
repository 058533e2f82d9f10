"""Hub access: retries honouring Retry-After / RateLimit t=, the cache, the token, concurrency."""

from __future__ import annotations

import logging
from pathlib import Path

from lineage import crawl_hub
from tests.lineage.families import gemma_family
from tests.lineage.hub_server import HubServer

ROOT_INFO = "/api/models/google/gemma-3-270m-it?"


def _times(hub: HubServer, contains: str) -> list[float]:
    return [r.at for r in hub.requests if contains in r.path + "?" + "&".join(r.query)]


def test_429_retry_after_is_honoured(hub, options) -> None:
    gemma_family(hub)
    hub.fail(ROOT_INFO, 429, times=1, headers={"Retry-After": "1"})
    graph = crawl_hub("google/gemma-3-270m-it", options())
    assert graph.root_node.status == "ok"
    first, second = _times(hub, "/api/models/google/gemma-3-270m-it")[:2]
    assert second - first >= 0.9  # waited as asked, not the policy's 10 ms


def test_ratelimit_t_is_honoured(hub, options) -> None:
    gemma_family(hub)
    policy = '"fixed window";"api";q=500;w=300'
    hub.fail(ROOT_INFO, 429, times=1,
             headers={"RateLimit": '"api";r=0;t=1', "RateLimit-Policy": policy})
    crawl_hub("google/gemma-3-270m-it", options())
    first, second = _times(hub, "/api/models/google/gemma-3-270m-it")[:2]
    assert second - first >= 0.9


def test_503_on_model_info_and_listing_are_retried(hub, options) -> None:
    gemma_family(hub)
    hub.fail(ROOT_INFO, 503, times=2)
    hub.fail("filter=base_model%3Agoogle%2Fgemma-3-270m-it", 503, times=1,
             headers={"Retry-After": "0"})
    graph = crawl_hub("google/gemma-3-270m-it", options())
    assert graph.root_node.status == "ok"
    assert len(graph.children_of("google/gemma-3-270m-it")) == 4
    assert not [w for w in graph.warnings if w.kind == "error"]


def test_cache_makes_a_recrawl_nearly_free(hub, options, tmp_path: Path) -> None:
    gemma_family(hub)
    cache = tmp_path / "cache"
    first = crawl_hub("google/gemma-3-270m-it", options(cache_dir=cache))
    fresh_calls = hub.count()
    assert fresh_calls >= 5
    hub.reset_counts()
    again = crawl_hub("google/gemma-3-270m-it", options(cache_dir=cache))
    assert hub.count() == 0
    assert again.to_dict()["nodes"] == first.to_dict()["nodes"]
    assert again.edges == first.edges
    hub.reset_counts()
    crawl_hub("google/gemma-3-270m-it", options(cache_dir=cache, refresh=True))
    assert hub.count() == fresh_calls


def test_cache_expires_after_ttl(hub, options, tmp_path: Path) -> None:
    gemma_family(hub)
    cache = tmp_path / "cache"
    crawl_hub("google/gemma-3-270m-it", options(cache_dir=cache))
    hub.reset_counts()
    crawl_hub("google/gemma-3-270m-it", options(cache_dir=cache, cache_ttl=0.0))
    assert hub.count() > 0


def test_cache_remembers_missing_repos_and_sees_new_children_after_refresh(hub, options,
                                                                           tmp_path) -> None:
    hub.add_model("org/orphan", base_model="gone/base")
    cache = tmp_path / "cache"
    crawl_hub("org/orphan", options(cache_dir=cache))
    hub.reset_counts()
    graph = crawl_hub("org/orphan", options(cache_dir=cache))
    assert graph.node("gone/base").status == "missing" and hub.count() == 0
    hub.add_model("org/new-kid", base_model="org/orphan")
    assert crawl_hub("org/orphan", options(cache_dir=cache)).get("org/new-kid") is None
    assert crawl_hub("org/orphan", options(cache_dir=cache, refresh=True)).get("org/new-kid")


def test_damaged_cache_file_is_set_aside(hub, options, tmp_path) -> None:
    gemma_family(hub)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "hub-cache.sqlite").write_bytes(b"this is not a database" * 100)
    graph = crawl_hub("google/gemma-3-270m-it", options(cache_dir=cache))
    assert len(graph.nodes) == 8


def test_token_is_sent_but_never_written_or_logged(hub, options, tmp_path, monkeypatch,
                                                   caplog) -> None:
    secret = "hf_SECRETtoken1234567890abcdef"
    monkeypatch.setenv("HF_TOKEN", secret)
    gemma_family(hub)
    cache = tmp_path / "cache"
    with caplog.at_level(logging.DEBUG):
        graph = crawl_hub("google/gemma-3-270m-it", options(cache_dir=cache))
    sent = [{k.lower(): v for k, v in r.headers.items()} for r in hub.requests]
    assert sent and all(h.get("authorization") == f"Bearer {secret}" for h in sent)
    out = tmp_path / "family.json"
    graph.save(out)
    assert secret not in out.read_text()
    assert secret not in caplog.text
    for f in cache.iterdir():
        assert secret.encode() not in f.read_bytes()
    assert secret not in repr(options(token=secret))


def test_concurrency_limit_bounds_requests_in_flight(options) -> None:
    with HubServer(delay=0.05) as hub:
        hub.add_model("org/base")
        for i in range(12):
            hub.add_model(f"org/kid-{i}", base_model="org/base")
        graph = crawl_hub("org/base", options(endpoint=hub.url, concurrency=3, depth=2))
        assert len(graph.nodes) == 13
        assert 1 <= hub.max_in_flight <= 3
