"""crawl_hub against the Hub stand-in through the real huggingface_hub client."""

from __future__ import annotations

import pytest

from auditor.errors import UsageError
from lineage import LineageGraph, crawl_hub
from tests.lineage.families import gemma_family
from tests.lineage.hub_server import HubServer


def kinds(graph: LineageGraph) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for w in graph.warnings:
        out.setdefault(w.kind, []).append(w.nodes)
    return out


def test_family_roles_relations_and_evidence(hub: HubServer, options) -> None:
    gemma_family(hub)
    graph = crawl_hub("google/gemma-3-270m-it", options())

    assert graph.source == "hub" and graph.root == "google/gemma-3-270m-it"
    roles = {n.id: (n.role, n.depth) for n in graph.nodes}
    assert roles == {
        "google/gemma-3-270m": ("ancestor", -1),
        "google/gemma-3-270m-it": ("root", 0),
        "unsloth/gemma-3-270m-it-GGUF": ("descendant", 1),
        "alice/gemma-chat": ("descendant", 1),
        "bob/gemma-lora": ("descendant", 1),
        "carol/gemma-merge": ("descendant", 1),
        "other/model": ("co-parent", 0),
        "dave/gemma-chat-GGUF": ("descendant", 2),
    }
    rel = {(e.parent, e.child): e.relation for e in graph.edges}
    assert rel[("google/gemma-3-270m", "google/gemma-3-270m-it")] == "finetune"
    assert rel[("google/gemma-3-270m-it", "unsloth/gemma-3-270m-it-GGUF")] == "quantized"
    assert rel[("google/gemma-3-270m-it", "bob/gemma-lora")] == "adapter"
    assert rel[("google/gemma-3-270m-it", "carol/gemma-merge")] == "merge"
    assert rel[("other/model", "carol/gemma-merge")] == "merge"
    assert rel[("alice/gemma-chat", "dave/gemma-chat-GGUF")] == "quantized"
    gguf = graph.node("unsloth/gemma-3-270m-it-GGUF")
    assert gguf.quantization == "Q4_K_M,Q8_0" and gguf.formats == ("gguf",)
    assert gguf.gguf_files == ("gemma-3-270m-it-Q4_K_M.gguf", "gemma-3-270m-it-Q8_0.gguf")
    assert graph.node("google/gemma-3-270m").license == "gemma"
    assert graph.node("google/gemma-3-270m").downloads == 50_000
    assert graph.node("google/gemma-3-270m").sha  # filled from the expanded answer
    sources = {ev.source for ev in graph.edge("google/gemma-3-270m-it",
                                              "unsloth/gemma-3-270m-it-GGUF").evidence}
    assert {"tag", "card", "files"} <= sources
    assert not graph.warnings


def test_children_come_from_one_expanded_listing_without_model_info(hub, options) -> None:
    gemma_family(hub)
    crawl_hub("google/gemma-3-270m-it", options())
    listings = [r for r in hub.requests if r.path == "/api/models"]
    assert listings, "children must come from the tag listing"
    for r in listings:
        assert r.query["filter"][0].startswith("base_model:")
        assert {"cardData", "siblings", "tags", "sha", "downloads", "gated", "gguf",
                "library_name", "lastModified", "likes"} <= set(r.query["expand"])
    infos = sorted(r.path for r in hub.requests if r.path.startswith("/api/models/"))
    # the root, its parent, and the merge's co-parent: never a derivative found by listing
    assert infos == ["/api/models/google/gemma-3-270m", "/api/models/google/gemma-3-270m-it",
                     "/api/models/other/model"]


def test_co_parent_descendants_are_not_crawled(hub, options) -> None:
    gemma_family(hub)
    hub.add_model("eve/other-ft", base_model="other/model")
    graph = crawl_hub("google/gemma-3-270m-it", options())
    assert graph.get("eve/other-ft") is None
    assert hub.count("filter=base_model%3Aother%2Fmodel") == 0


def test_pagination_follows_link_header(options) -> None:
    with HubServer(page_size=2) as hub:
        hub.add_model("org/base")
        for i in range(7):
            hub.add_model(f"org/child-{i}", base_model="org/base")
        graph = crawl_hub("org/base", options(endpoint=hub.url))
        assert len(graph.children_of("org/base")) == 7
        assert hub.count("cursor=") >= 3


def test_depth_limit(hub, options) -> None:
    gemma_family(hub)
    shallow = crawl_hub("google/gemma-3-270m-it", options(depth=1))
    assert shallow.get("dave/gemma-chat-GGUF") is None
    assert shallow.get("alice/gemma-chat") is not None
    hub.reset_counts()
    alone = crawl_hub("google/gemma-3-270m-it", options(depth=0, ancestors=False))
    assert [n.id for n in alone.nodes] == ["google/gemma-3-270m-it"]
    assert hub.count("/api/models?") == 0


def test_node_limit_truncates_with_warning(hub, options) -> None:
    gemma_family(hub)
    graph = crawl_hub("google/gemma-3-270m-it", options(max_nodes=3, ancestors=False))
    assert len(graph.nodes) == 3
    truncated = [w for w in graph.warnings if w.kind == "truncated"]
    assert len(truncated) == 1 and "google/gemma-3-270m-it" in truncated[0].nodes
    assert "max-nodes" in truncated[0].message


def test_no_ancestors(hub, options) -> None:
    gemma_family(hub)
    graph = crawl_hub("google/gemma-3-270m-it", options(ancestors=False))
    assert not graph.nodes_by_role("ancestor")
    assert hub.count("/api/models/google/gemma-3-270m?") == 0


def test_relation_filter_and_min_downloads(hub, options) -> None:
    gemma_family(hub)
    quant = crawl_hub("google/gemma-3-270m-it", options(relations={"quantized"}))
    assert {e.relation for e in quant.descendants()} == {"quantized"}
    assert quant.get("alice/gemma-chat") is None
    popular = crawl_hub("google/gemma-3-270m-it", options(min_downloads=100))
    ids = {n.id for n in popular.nodes_by_role("descendant")}
    assert ids == {"unsloth/gemma-3-270m-it-GGUF", "alice/gemma-chat"}


def test_root_given_as_url_and_in_other_case(hub, options) -> None:
    gemma_family(hub)
    graph = crawl_hub(" https://huggingface.co/Google/Gemma-3-270M-IT/tree/main ", options())
    assert graph.root == "google/gemma-3-270m-it"
    with pytest.raises(UsageError, match="not a Hub model id"):
        crawl_hub("/home/me/model", options())


def test_hf_endpoint_environment_is_honoured(hub, monkeypatch) -> None:
    gemma_family(hub)
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    from lineage import CrawlOptions

    graph = crawl_hub("google/gemma-3-270m-it", CrawlOptions(depth=1))
    assert graph.options["endpoint"] == hub.url
    assert len(graph.nodes) == 7


def test_missing_root_is_a_node_not_a_crash(hub, options) -> None:
    graph = crawl_hub("nobody/nothing", options())
    assert [(n.id, n.status) for n in graph.nodes] == [("nobody/nothing", "missing")]
    assert kinds(graph) == {"error": [("nobody/nothing",)]}


def test_merge_of_two_family_members_links_both_without_extra_calls(hub, options) -> None:
    hub.add_model("org/root")
    hub.add_model("org/a", base_model="org/root")
    hub.add_model("org/a-ft", base_model="org/a")
    hub.add_model("org/merge", base_model=["org/root", "org/a-ft"], files=["mergekit_config.yml"])
    graph = crawl_hub("org/root", options())
    assert graph.node("org/a-ft").role == "descendant"  # a family member, not a co-parent
    assert {p.id for p in graph.parents_of("org/merge")} == {"org/root", "org/a-ft"}
    assert {e.relation for e in graph.edges_to("org/merge")} == {"merge"}
    assert hub.count("/api/models/org/a-ft") == 0  # known from a listing: no model_info
    assert not graph.nodes_by_role("co-parent")
