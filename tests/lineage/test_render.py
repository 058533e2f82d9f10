"""Renderers: rich tree (as a renderable), GraphML (valid XML, escaped), Mermaid."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from rich.console import Console

from lineage import crawl_hub, render_tree, to_graphml, to_mermaid
from tests.lineage.families import gemma_family


def _text(renderable) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_tree_shows_ancestors_root_relations_and_warnings(hub, options) -> None:
    gemma_family(hub)
    hub.add_model("mallory/[bold]evil[/bold]", base_model=["google/gemma-3-270m-it", "/tmp/x"])
    graph = crawl_hub("google/gemma-3-270m-it", options())
    text = _text(render_tree(graph))
    lines = text.splitlines()
    assert lines[0].startswith("google/gemma-3-270m  [ancestor]")
    assert "finetune google/gemma-3-270m-it  [root]" in lines[1]
    assert "quantized unsloth/gemma-3-270m-it-GGUF" in text and "Q4_K_M,Q8_0" in text
    assert "adapter bob/gemma-lora" in text
    assert "merge carol/gemma-merge" in text and "also from other/model" in text
    assert "mallory/[bold]evil[/bold]" in text  # card text is not interpreted as markup
    assert "[unresolvable_parent]" in text
    # the GGUF of alice's chat model is nested under it
    idx = next(i for i, line in enumerate(lines) if "alice/gemma-chat" in line)
    assert "dave/gemma-chat-GGUF" in lines[idx + 1]


def test_graphml_is_valid_and_complete(hub, options) -> None:
    gemma_family(hub)
    hub.add_model("x/a&b", base_model="google/gemma-3-270m-it", tags=[
        "base_model:google/gemma-3-270m-it"])
    graph = crawl_hub("google/gemma-3-270m-it", options())
    root = ET.fromstring(to_graphml(graph))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = root.findall(".//g:node", ns)
    edges = root.findall(".//g:edge", ns)
    assert {n.get("id") for n in nodes} == {n.id for n in graph.nodes}
    assert len(edges) == len(graph.edges)
    assert any(n.get("id") == "x/a&b" for n in nodes)


def test_mermaid_lists_every_node_and_edge(hub, options) -> None:
    gemma_family(hub)
    graph = crawl_hub("google/gemma-3-270m-it", options())
    text = to_mermaid(graph)
    assert text.startswith("flowchart TD")
    assert text.count("-->|") == len(graph.edges)
    assert "-->|quantized|" in text and '"google/gemma-3-270m-it"' in text
