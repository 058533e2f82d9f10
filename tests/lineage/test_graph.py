"""LineageGraph: JSON schema v1 round trip, validation with clear errors, navigation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import InputError
from lineage import LineageGraph, crawl_hub, load_graph
from tests.lineage.families import gemma_family

NODE_FIELDS = {"id", "status", "role", "depth", "sha", "gated", "downloads", "likes", "license",
               "formats", "quantization", "last_modified"}


@pytest.fixture
def graph(hub, options) -> LineageGraph:
    gemma_family(hub)
    return crawl_hub("google/gemma-3-270m-it", options())


def test_json_has_the_contract_fields_and_round_trips(graph: LineageGraph, tmp_path) -> None:
    path = graph.save(tmp_path / "family.json")
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1 and data["source"] == "hub"
    assert data["root"] == "google/gemma-3-270m-it"
    assert data["created_at"].endswith("Z")
    for node in data["nodes"]:
        assert NODE_FIELDS <= set(node)
    for edge in data["edges"]:
        assert set(edge) == {"parent", "child", "relation", "evidence"}
        assert all(set(ev) == {"source", "detail"} for ev in edge["evidence"])
    loaded = load_graph(path)
    assert loaded == graph
    assert LineageGraph.load(path).to_dict() == data


def test_navigation(graph: LineageGraph) -> None:
    kids = {n.id for n in graph.children_of("google/gemma-3-270m-it")}
    assert kids == {"unsloth/gemma-3-270m-it-GGUF", "alice/gemma-chat", "bob/gemma-lora",
                    "carol/gemma-merge"}
    assert graph.parent_of("carol/gemma-merge").id == "google/gemma-3-270m-it"
    assert {p.id for p in graph.parents_of("carol/gemma-merge")} == {
        "google/gemma-3-270m-it", "other/model"}
    assert graph.parent_of("google/gemma-3-270m-it").id == "google/gemma-3-270m"
    assert graph.parent_of("google/gemma-3-270m") is None
    assert [n.id for n in graph.nodes_by_role("co-parent")] == ["other/model"]
    below = [e.child for e in graph.descendants()]
    assert below.index("alice/gemma-chat") < below.index("dave/gemma-chat-GGUF")
    assert [e.parent for e in graph.ancestors()] == ["google/gemma-3-270m"]
    with pytest.raises(ValueError):
        graph.nodes_by_role("cousin")


def _write(tmp_path: Path, data: object) -> Path:
    p = tmp_path / "g.json"
    p.write_text(json.dumps(data))
    return p


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema_version=2), "schema_version is 2"),
        (lambda d: d.pop("schema_version"), "schema_version is None"),
        (lambda d: d.update(source="web"), "source must be"),
        (lambda d: d["nodes"][0].update(status="fine"), r"nodes\[0\].status"),
        (lambda d: d["nodes"][1].pop("id"), r"nodes\[1\] lacks 'id'"),
        (lambda d: d["edges"][0].update(relation="cloned"), r"edges\[0\].relation"),
        (lambda d: d["edges"][0].update(child="ghost/x"), "not among the nodes"),
        (lambda d: d.update(root="ghost/x"), "root 'ghost/x'"),
        (lambda d: d["edges"][0]["evidence"][0].update(source="rumour"), "evidence"),
    ],
)
def test_invalid_files_give_clear_errors(graph, tmp_path, mutate, message) -> None:
    data = graph.to_dict()
    mutate(data)
    with pytest.raises(InputError, match=message):
        load_graph(_write(tmp_path, data))


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_graph(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        load_graph(bad)
    with pytest.raises(InputError, match="JSON object"):
        load_graph(_write(tmp_path, [1, 2]))
