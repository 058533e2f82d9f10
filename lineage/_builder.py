"""The mutable workbench both crawlers fill: nodes by id (case-insensitive), edges with merged
evidence, cycle refusal, de-duplicated warnings, and the node limit. ``build`` freezes it."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from lineage._graph import LineageGraph, sort_key
from lineage._records import Evidence, LineageEdge, LineageNode, LineageWarning


class GraphBuilder:
    """Collects a family while it is being discovered."""

    def __init__(self, max_nodes: int) -> None:
        self.max_nodes = max_nodes
        self.nodes: dict[str, LineageNode] = {}
        self._lower: dict[str, str] = {}
        self._edges: dict[tuple[str, str], LineageEdge] = {}
        self._children: dict[str, list[str]] = {}
        self._warnings: list[LineageWarning] = []
        self._warned: set[tuple[str, tuple[str, ...]]] = set()

    # --- nodes ------------------------------------------------------------------------------
    def find(self, node_id: str) -> str | None:
        """The stored id matching ``node_id`` regardless of case, or None."""
        return self._lower.get(node_id.lower())

    @property
    def full(self) -> bool:
        return len(self.nodes) >= self.max_nodes

    def put(self, node: LineageNode) -> None:
        """Add a node or replace the one with the same id."""
        self.nodes[node.id] = node
        self._lower.setdefault(node.id.lower(), node.id)

    def update(self, node_id: str, **changes: Any) -> None:
        self.nodes[node_id] = replace(self.nodes[node_id], **changes)

    # --- edges ------------------------------------------------------------------------------
    def add_edge(
        self, parent: str, child: str, relation: str, evidence: Sequence[Evidence]
    ) -> bool:
        """Add ``parent -> child`` (merging evidence into an existing edge).

        Refuses self-loops and edges that would close a cycle, with a warning naming the ids;
        returns whether the edge is in the graph afterwards.
        """
        if parent == child:
            self.warn("self_loop", [child], f"{child} names itself as its base model; ignored")
            return False
        existing = self._edges.get((parent, child))
        if existing is not None:
            merged = list(existing.evidence)
            merged.extend(e for e in evidence if e not in merged)
            self._edges[(parent, child)] = replace(existing, evidence=tuple(merged))
            return True
        path = self._path(child, parent)
        if path is not None:
            loop = " -> ".join([*path, child])
            self.warn(
                "cycle",
                path,
                f"lineage cycle {loop}: the edge {parent} -> {child} was not added",
            )
            return False
        self._edges[(parent, child)] = LineageEdge(parent, child, relation, tuple(evidence))
        self._children.setdefault(parent, []).append(child)
        return True

    def has_edge(self, parent: str, child: str) -> bool:
        return (parent, child) in self._edges

    def _path(self, start: str, goal: str) -> list[str] | None:
        """A downward path start -> ... -> goal through existing edges, if any."""
        if start not in self._children:
            return None
        previous: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            if current == goal:
                path = [current]
                while (before := previous[path[-1]]) is not None:
                    path.append(before)
                return path[::-1]
            for nxt in self._children.get(current, ()):
                if nxt not in previous:
                    previous[nxt] = current
                    queue.append(nxt)
        return None

    # --- warnings ---------------------------------------------------------------------------
    def warn(self, kind: str, nodes: Iterable[str], message: str) -> None:
        ids = tuple(nodes)
        key = (kind, tuple(sorted(ids)) if kind != "cycle" else tuple(sorted(set(ids))))
        if key in self._warned:
            return
        self._warned.add(key)
        self._warnings.append(LineageWarning(kind, ids, message))

    # --- result -----------------------------------------------------------------------------
    def build(self, root: str, source: str, options: dict[str, Any]) -> LineageGraph:
        nodes = tuple(sorted(self.nodes.values(), key=sort_key))
        order = {n.id: i for i, n in enumerate(nodes)}
        edges = tuple(
            sorted(self._edges.values(), key=lambda e: (order[e.parent], order[e.child]))
        )
        return LineageGraph(
            root=root,
            source=source,
            created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            nodes=nodes,
            edges=edges,
            warnings=tuple(self._warnings),
            options=options,
        )
