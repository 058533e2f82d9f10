"""Dirty metadata (issue 2, point 3): every case becomes a status or a warning, never a crash."""

from __future__ import annotations

from lineage import crawl_hub
from tests.lineage.hub_server import HubServer


def warnings_of(graph, kind: str):
    return [w for w in graph.warnings if w.kind == kind]


def test_base_model_as_url_with_whitespace_and_other_case(hub: HubServer, options) -> None:
    hub.add_model("Org/Base-Model")
    hub.add_model("org/root", base_model="  https://huggingface.co/org/base-model/tree/main\n")
    hub.add_model("org/root-2", base_model=" ORG/BASE-MODEL ", tags=[])
    graph = crawl_hub("org/root", options())
    assert graph.parent_of("org/root").id == "Org/Base-Model"  # canonical id from the Hub
    detail = graph.edge("Org/Base-Model", "org/root").evidence[0].detail
    assert "URL" in detail and "whitespace" in detail
    other = crawl_hub("org/root-2", options())
    assert [n.id for n in other.nodes_by_role("ancestor")] == ["Org/Base-Model"]
    assert not other.warnings


def test_local_path_parent_is_unresolvable(hub, options) -> None:
    hub.add_model("org/adapter", base_model="/home/user/checkpoints/run-3",
                  files=["adapter_config.json"])
    graph = crawl_hub("org/adapter", options())
    [w] = warnings_of(graph, "unresolvable_parent")
    assert w.nodes == ("org/adapter",) and "local path" in w.message
    assert len(graph.nodes) == 1


def test_self_reference_is_dropped_with_warning(hub, options) -> None:
    hub.add_model("org/base")
    hub.add_model("org/selfish", base_model=["org/base", "org/selfish"])
    graph = crawl_hub("org/base", options())
    assert graph.get("org/selfish") is not None
    assert all(e.parent != e.child for e in graph.edges)
    assert warnings_of(graph, "self_loop")[0].nodes == ("org/selfish",)
    upward = crawl_hub("org/selfish", options())
    assert warnings_of(upward, "self_loop")
    assert [n.id for n in upward.nodes_by_role("ancestor")] == ["org/base"]


def test_missing_parent_becomes_missing_node(hub, options) -> None:
    hub.add_model("org/orphan", base_model="deleted/original")
    graph = crawl_hub("org/orphan", options())
    node = graph.node("deleted/original")
    assert (node.status, node.role) == ("missing", "ancestor")
    [w] = warnings_of(graph, "missing_parent")
    assert set(w.nodes) == {"deleted/original", "org/orphan"}
    assert graph.edge("deleted/original", "org/orphan") is not None


def test_ancestor_cycle_terminates_and_is_reported(hub, options) -> None:
    hub.add_model("org/a", base_model="org/b")
    hub.add_model("org/b", base_model="org/c")
    hub.add_model("org/c", base_model="org/a")
    graph = crawl_hub("org/a", options())
    [w] = warnings_of(graph, "cycle")
    assert {"org/a", "org/b", "org/c"} <= set(w.nodes)
    assert len(graph.edges) == 2  # the closing edge is left out


def test_descendant_cycle_terminates(hub, options) -> None:
    hub.add_model("org/x", base_model="org/y")
    hub.add_model("org/y", base_model="org/x")
    graph = crawl_hub("org/x", options(ancestors=False, depth=5))
    assert warnings_of(graph, "cycle")
    assert {n.id for n in graph.nodes} == {"org/x", "org/y"}
    assert len(list(graph.descendants())) == 1


def test_gated_repos_are_nodes_marked_gated(hub, options) -> None:
    hub.add_model("lab/base", gated="manual")
    hub.add_model("lab/locked", access="denied", gated="manual")
    hub.add_model("lab/ft", base_model=["lab/base"])
    hub.add_model("lab/ft2", base_model="lab/locked", tags=[])
    visible = crawl_hub("lab/ft", options())
    base = visible.node("lab/base")
    assert (base.status, base.gated, base.role) == ("gated", True, "ancestor")
    assert warnings_of(visible, "gated")[0].nodes == ("lab/base",)
    denied = crawl_hub("lab/ft2", options())
    locked = denied.node("lab/locked")
    assert (locked.status, locked.gated) == ("gated", True)


def test_gated_root_still_lists_its_derivatives(hub, options) -> None:
    hub.add_model("lab/locked", access="denied", gated="manual")
    hub.add_model("someone/quant", base_model="lab/locked", files=["q.Q4_0.gguf"])
    graph = crawl_hub("lab/locked", options())
    assert graph.root_node.status == "gated"
    assert [n.id for n in graph.children_of("lab/locked")] == ["someone/quant"]


def test_server_error_after_retries_marks_error_and_crawl_goes_on(hub, options) -> None:
    hub.add_model("org/flaky")
    hub.add_model("org/root", base_model=["org/flaky", "org/fine"])
    hub.add_model("org/fine")
    hub.add_model("org/kid", base_model="org/root")
    hub.fail("/api/models/org/flaky", 503, times=100)
    graph = crawl_hub("org/root", options())
    assert graph.node("org/flaky").status == "error"
    assert graph.node("org/fine").status == "ok"
    assert graph.get("org/kid") is not None
    assert any("org/flaky" in w.nodes for w in warnings_of(graph, "error"))
    assert hub.count("/api/models/org/flaky") == 3  # the retry policy's max attempts


def test_listing_failure_keeps_the_rest(options) -> None:
    with HubServer() as hub:
        hub.add_model("org/root")
        hub.add_model("org/a", base_model="org/root")
        hub.add_model("org/b", base_model="org/root")
        hub.add_model("org/a-kid", base_model="org/a")
        hub.add_model("org/b-kid", base_model="org/b")
        hub.fail("base_model%3Aorg%2Fa", 400, times=100)  # not retryable: fails at once
        graph = crawl_hub("org/root", options(endpoint=hub.url))
        assert graph.get("org/b-kid") is not None and graph.get("org/a-kid") is None
        [w] = warnings_of(graph, "error")
        assert w.nodes == ("org/a",)


def test_relation_conflict_keeps_edge_and_all_evidence(hub, options) -> None:
    hub.add_model("org/base")
    hub.add_model("org/exl2", base_model="org/base", relation="finetune",
                  files=["measurement.json", "output.safetensors"], hub_relation="quantized")
    graph = crawl_hub("org/base", options())
    edge = graph.edge("org/base", "org/exl2")
    assert edge.relation == "finetune"  # the explicit card wins
    sources = [e.source for e in edge.evidence]
    assert "card" in sources and "tag" in sources and "files" in sources
    [w] = warnings_of(graph, "relation_conflict")
    assert "org/exl2" in w.nodes and "finetune" in w.message and "quantized" in w.message


def test_garbage_card_values_do_not_crash(hub, options) -> None:
    hub.add_model("org/base")
    hub.add_model("org/weird", card={"base_model": [None, 3, {"x": 1}, "", "org/base",
                                                    "https://github.com/x/y"],
                                     "base_model_relation": "sideways"})
    graph = crawl_hub("org/weird", options())
    assert graph.parent_of("org/weird").id == "org/base"
    assert warnings_of(graph, "unresolvable_parent")  # the empty value and the GitHub URL
    assert any("not a known relation" in e.detail for e in graph.edges[0].evidence)
