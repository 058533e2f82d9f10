"""Renderings of a lineage graph: a rich tree (a renderable; printing is the caller's job),
GraphML and Mermaid. All text from model cards is escaped for its target format (for the
terminal tree: control characters, see :func:`auditor.names.printable`). A verified edge
(``--verify``) carries its verdict: a marker in the tree, a dashed red "contradicted" link in
Mermaid, ``verdict``/``verification`` data in GraphML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from auditor.names import printable
from lineage._graph import LineageGraph
from lineage._records import LineageNode

_STATUS_STYLE = {"ok": "green", "gated": "yellow", "missing": "red", "error": "red"}
_RELATION_STYLE = {"finetune": "cyan", "quantized": "magenta", "adapter": "blue", "merge": "yellow",
                   "distillation": "cyan", "reupload": "bright_black"}
#: How a verified edge is marked in the tree (``--verify``).
_VERDICT_MARK = {"confirmed": ("✓ confirmed", "green"), "consistent": ("✓ consistent", "green"),
                 "contradicted": ("✗ CONTRADICTED", "bold red"),
                 "unverifiable": ("? unverifiable", "yellow")}


def render_tree(graph: LineageGraph) -> Any:
    """A ``rich`` renderable: ancestors above the root, derivatives nested below, then warnings.

    A model reached through two parents (a merge inside the family) is drawn in full once and
    referred to ("see above") elsewhere.
    """
    from rich.console import Group
    from rich.text import Text
    from rich.tree import Tree

    top = _topmost(graph)
    tree = Tree(_label(graph, graph.node(top), None))
    drawn = {top}
    _grow(graph, tree, top, drawn)
    parts: list[Any] = [tree]
    counts = _counts(graph)
    parts.append(Text(counts, style="dim"))
    if graph.warnings:
        parts.append(Text(f"{len(graph.warnings)} warning(s):", style="bold yellow"))
        for w in graph.warnings:
            line = Text("  ")
            line.append(f"[{w.kind}] ", style="yellow")
            line.append(printable(w.message))
            parts.append(line)
    return Group(*parts)


def _topmost(graph: LineageGraph) -> str:
    """The ancestor chain's top (following the parent nearest the root), else the root."""
    current, seen = graph.root, {graph.root}
    while True:
        parents = [
            p for p in graph.parents_of(current) if p.role == "ancestor" and p.id not in seen
        ]
        if not parents:
            return current
        current = min(parents, key=lambda p: (-p.depth, p.id)).id
        seen.add(current)


def _grow(graph: LineageGraph, branch: Any, node_id: str, drawn: set[str]) -> None:
    for edge in graph.edges_from(node_id):
        child = graph.node(edge.child)
        if child.role == "ancestor" and edge.child != graph.root and edge.child in drawn:
            continue
        sub = branch.add(_label(graph, child, edge))
        if edge.child in drawn:
            sub.label.append("  (see above)", style="dim")
            continue
        drawn.add(edge.child)
        _grow(graph, sub, edge.child, drawn)


def _label(graph: LineageGraph, node: LineageNode, edge: Any) -> Any:
    from rich.text import Text

    text = Text()
    if edge is not None:
        text.append(f"{edge.relation} ", style=_RELATION_STYLE.get(edge.relation, ""))
        if edge.verdict in _VERDICT_MARK:
            mark, mark_style = _VERDICT_MARK[edge.verdict]
            text.append(f"[{mark}] ", style=mark_style)
    style = "bold" if node.role == "root" else ""
    text.append(printable(node.id), style=style)
    if node.role in ("root", "ancestor", "co-parent"):
        text.append(f"  [{node.role}]", style="dim")
    if node.status != "ok":
        text.append(f"  {node.status}", style=_STATUS_STYLE[node.status])
    facts = []
    if node.quantization:
        facts.append(node.quantization)
    elif node.formats:
        facts.append("/".join(node.formats))
    if node.downloads is not None:
        facts.append(f"{_human(node.downloads)} downloads")
    if node.license:
        facts.append(node.license)
    if facts:
        text.append(printable("  " + " · ".join(facts)), style="dim")
    others = [e.parent for e in graph.edges_to(node.id) if edge is not None and
              e.parent != edge.parent]
    if others:
        text.append(printable(f"  (also from {', '.join(others)})"), style="dim")
    return text


def _counts(graph: LineageGraph) -> str:
    by_relation: dict[str, int] = {}
    for e in graph.edges:
        by_relation[e.relation] = by_relation.get(e.relation, 0) + 1
    rel = ", ".join(f"{n} {r}" for r, n in sorted(by_relation.items()))
    return f"{len(graph.nodes)} models, {len(graph.edges)} edges ({rel or 'none'})"


def _human(n: int) -> str:
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(n)


# --- GraphML ----------------------------------------------------------------------------------
_NODE_KEYS = ("status", "role", "depth", "sha", "gated", "downloads", "likes", "license",
              "formats", "quantization", "last_modified", "path")
_TYPES = {"depth": "int", "downloads": "long", "likes": "long", "gated": "boolean"}


def to_graphml(graph: LineageGraph) -> str:
    """GraphML (directed, parent -> child) with node and edge attributes as ``<data>``."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    for key in _NODE_KEYS:
        ET.SubElement(root, "key", {"id": key, "for": "node", "attr.name": key,
                                    "attr.type": _TYPES.get(key, "string")})
    for key in ("relation", "evidence", "verdict", "verification"):
        ET.SubElement(root, "key", {"id": key, "for": "edge", "attr.name": key,
                                    "attr.type": "string"})
    g = ET.SubElement(root, "graph", id=graph.root, edgedefault="directed")
    for node in graph.nodes:
        el = ET.SubElement(g, "node", id=node.id)
        values = node.to_dict()
        for key in _NODE_KEYS:
            value = values.get(key)
            if value is None or value == []:
                continue
            if isinstance(value, list):
                value = ",".join(value)
            data = ET.SubElement(el, "data", key=key)
            data.text = str(value).lower() if isinstance(value, bool) else str(value)
    for i, edge in enumerate(graph.edges):
        el = ET.SubElement(g, "edge", id=f"e{i}", source=edge.parent, target=edge.child)
        ET.SubElement(el, "data", key="relation").text = edge.relation
        detail = "; ".join(f"{e.source}: {e.detail}" for e in edge.evidence)
        ET.SubElement(el, "data", key="evidence").text = detail
        if edge.verification is not None:
            ET.SubElement(el, "data", key="verdict").text = edge.verdict
            ET.SubElement(el, "data", key="verification").text = json.dumps(
                dict(edge.verification), ensure_ascii=False)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- Mermaid ----------------------------------------------------------------------------------
def to_mermaid(graph: LineageGraph) -> str:
    """A Mermaid flowchart (top-down); ids are replaced by ``n0, n1, ...``, labels escaped."""
    names = {n.id: f"n{i}" for i, n in enumerate(graph.nodes)}
    lines = ["flowchart TD"]
    for node in graph.nodes:
        label = _mermaid_text(node.id)
        if node.status != "ok":
            label += f"<br/>({node.status})"
        if node.quantization:
            label += f"<br/>{_mermaid_text(node.quantization)}"
        lines.append(f'    {names[node.id]}["{label}"]')
    contradicted = []
    for index, edge in enumerate(graph.edges):
        label = edge.relation
        if edge.verdict == "contradicted":
            contradicted.append(str(index))
            lines.append(f"    {names[edge.parent]} -.->|{label} contradicted| "
                         f"{names[edge.child]}")
            continue
        if edge.verdict is not None:
            label += f" {edge.verdict}"
        lines.append(f"    {names[edge.parent]} -->|{label}| {names[edge.child]}")
    if contradicted:
        lines.append(f"    linkStyle {','.join(contradicted)} stroke:#e03131,stroke-width:2px,"
                     "stroke-dasharray:5 5")
    for status in ("gated", "missing", "error"):
        members = [names[n.id] for n in graph.nodes if n.status == status]
        if members:
            colour = "#fff3bf" if status == "gated" else "#ffc9c9"
            lines.append(f"    classDef {status} fill:{colour}")
            lines.append(f"    class {','.join(members)} {status}")
    root = names[graph.root]
    lines.append("    classDef root stroke-width:3px")
    lines.append(f"    class {root} root")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    out = []
    for ch in text:
        if ch.isalnum() or ch in " /._-:+,":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)
