"""The lineage graph: a frozen record with navigation helpers, JSON round-trip and validation."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.outputs import atomic_write_text
from auditor.safeio import LINEAGE_GRAPH, parse_json, read_text
from lineage._records import (
    EVIDENCE_SOURCES,
    RELATIONS,
    ROLES,
    SCHEMA_VERSION,
    STATUSES,
    WARNING_KINDS,
    LineageEdge,
    LineageNode,
    LineageWarning,
)

_ROLE_RANK = {"ancestor": 0, "root": 1, "descendant": 2, "co-parent": 3}


@dataclass(frozen=True, slots=True)
class LineageGraph:
    """A model family: nodes, derivation edges with evidence, and crawl warnings.

    ``source`` is ``"hub"`` or ``"local"``; ``options`` records how the crawl was made (depth,
    limits, endpoint) so a saved file says what it covers.
    """

    root: str
    source: str
    created_at: str
    nodes: tuple[LineageNode, ...]
    edges: tuple[LineageEdge, ...]
    warnings: tuple[LineageWarning, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    _index: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _lookup(self) -> dict[str, Any]:
        """Indexes by id, built on first use (the record itself stays immutable)."""
        if not self._index:
            by_parent: dict[str, list[LineageEdge]] = {}
            by_child: dict[str, list[LineageEdge]] = {}
            for e in self.edges:
                by_parent.setdefault(e.parent, []).append(e)
                by_child.setdefault(e.child, []).append(e)
            self._index.update(
                nodes={n.id: n for n in self.nodes}, by_parent=by_parent, by_child=by_child
            )
        return self._index

    # --- lookup -----------------------------------------------------------------------------
    def node(self, node_id: str) -> LineageNode:
        """The node with this id; raises ``KeyError`` when there is none."""
        return self._lookup()["nodes"][node_id]  # type: ignore[no-any-return]

    def get(self, node_id: str) -> LineageNode | None:
        """The node with this id, or ``None``."""
        try:
            return self.node(node_id)
        except KeyError:
            return None

    @property
    def root_node(self) -> LineageNode:
        return self.node(self.root)

    def nodes_by_role(self, role: str) -> tuple[LineageNode, ...]:
        """Nodes with this role (``root``, ``ancestor``, ``descendant`` or ``co-parent``)."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        return tuple(n for n in self.nodes if n.role == role)

    def edges_from(self, node_id: str) -> tuple[LineageEdge, ...]:
        """Edges whose parent is ``node_id`` (its derivatives)."""
        return tuple(self._lookup()["by_parent"].get(node_id, ()))

    def edges_to(self, node_id: str) -> tuple[LineageEdge, ...]:
        """Edges whose child is ``node_id`` (what it was derived from)."""
        return tuple(self._lookup()["by_child"].get(node_id, ()))

    def edge(self, parent: str, child: str) -> LineageEdge | None:
        for e in self.edges_from(parent):
            if e.child == child:
                return e
        return None

    def children_of(self, node_id: str) -> tuple[LineageNode, ...]:
        """The direct derivatives of ``node_id``."""
        return tuple(self.node(e.child) for e in self.edges_from(node_id))

    def parents_of(self, node_id: str) -> tuple[LineageNode, ...]:
        """Every model ``node_id`` was derived from (two or more for a merge)."""
        return tuple(self.node(e.parent) for e in self.edges_to(node_id))

    def parent_of(self, node_id: str) -> LineageNode | None:
        """The parent on the path from the root: for a merge, the parent inside the family
        (never a co-parent when another parent exists), nearest to the root."""
        parents = self.parents_of(node_id)
        if not parents:
            return None
        return min(parents, key=lambda p: (p.role == "co-parent", abs(p.depth), p.id))

    def descendants(self, node_id: str | None = None) -> Iterator[LineageEdge]:
        """Edges below ``node_id`` (default: the root) in breadth-first order, each once."""
        return self._walk(node_id, self.edges_from, lambda e: e.child)

    def ancestors(self, node_id: str | None = None) -> Iterator[LineageEdge]:
        """Edges above ``node_id`` (default: the root), nearest first, each once."""
        return self._walk(node_id, self.edges_to, lambda e: e.parent)

    def _walk(
        self,
        node_id: str | None,
        edges: Callable[[str], tuple[LineageEdge, ...]],
        far_end: Callable[[LineageEdge], str],
    ) -> Iterator[LineageEdge]:
        """Breadth-first from ``node_id`` (default: the root) along ``edges``, each edge once,
        each node's edges followed once."""
        start = self.root if node_id is None else node_id
        seen = {start}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for e in edges(current):
                yield e
                node = far_end(e)
                if node not in seen:
                    seen.add(node)
                    queue.append(node)

    # --- serialisation ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "root": self.root,
            "source": self.source,
            "created_at": self.created_at,
            "options": dict(self.options),
            "nodes": [n.to_dict() for n in self.nodes],
            "edges": [e.to_dict() for e in self.edges],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> Path:
        """Write the JSON file atomically (a temporary file renamed into place)."""
        return atomic_write_text(path, self.to_json())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, origin: str = "lineage data") -> LineageGraph:
        """Build a graph from the JSON structure, raising ``InputError`` on anything invalid."""
        _validate(data, origin)
        return cls(
            root=str(data["root"]),
            source=str(data["source"]),
            created_at=str(data["created_at"]),
            nodes=tuple(LineageNode.from_dict(n) for n in data["nodes"]),
            edges=tuple(LineageEdge.from_dict(e) for e in data["edges"]),
            warnings=tuple(LineageWarning.from_dict(w) for w in data.get("warnings") or ()),
            options=dict(data.get("options") or {}),
        )

    @classmethod
    def load(cls, path: str | Path) -> LineageGraph:
        return load_graph(path)


def load_graph(path: str | Path) -> LineageGraph:
    """Read a lineage JSON file written by ``auditor lineage --out``.

    Raises :class:`auditor.errors.InputError` naming the file and the problem when the file is
    missing, is not JSON, has another ``schema_version`` or breaks the schema.
    """
    p = Path(path)
    try:
        text = read_text(p, LINEAGE_GRAPH)
    except InputError as exc:
        raise InputError(f"cannot read lineage file: {exc}") from None
    try:
        data = parse_json(text, f"lineage file {p}")
    except InputError as exc:
        raise InputError(
            f"{exc}; write it again with `auditor lineage ROOT_ID --out FILE`"
        ) from None
    return LineageGraph.from_dict(data, origin=f"lineage file {p}")


def sort_key(node: LineageNode) -> tuple[int, int, str]:
    """Stable output order: by depth, then role, then id."""
    return (node.depth, _ROLE_RANK.get(node.role, 9), node.id)


def _validate(data: Any, origin: str) -> None:
    def fail(problem: str) -> InputError:
        return InputError(f"{origin}: {problem}")

    if not isinstance(data, Mapping):
        raise fail("expected a JSON object at the top level")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise fail(
            f"schema_version is {version!r}; this version of auditor reads lineage schema "
            f"{SCHEMA_VERSION} (re-crawl with `auditor lineage ROOT_ID --out FILE`)"
        )
    for key, kind in (("root", str), ("source", str), ("created_at", str), ("nodes", list),
                      ("edges", list)):
        if not isinstance(data.get(key), kind):
            raise fail(f"missing or malformed '{key}'")
    if data["source"] not in ("hub", "local"):
        raise fail(f"source must be 'hub' or 'local', not {data['source']!r}")
    ids = set()
    for i, node in enumerate(data["nodes"]):
        _check_fields(node, ("id", "status", "role", "depth"), f"nodes[{i}]", fail)
        _check_enum(node["status"], STATUSES, f"nodes[{i}].status", fail)
        _check_enum(node["role"], ROLES, f"nodes[{i}].role", fail)
        if not isinstance(node["depth"], int):
            raise fail(f"nodes[{i}].depth must be an integer")
        ids.add(node["id"])
    if data["root"] not in ids:
        raise fail(f"root {data['root']!r} is not among the nodes")
    for i, edge in enumerate(data["edges"]):
        _check_fields(edge, ("parent", "child", "relation"), f"edges[{i}]", fail)
        _check_enum(edge["relation"], RELATIONS, f"edges[{i}].relation", fail)
        for end in ("parent", "child"):
            if edge[end] not in ids:
                raise fail(f"edges[{i}].{end} {edge[end]!r} is not among the nodes")
        for j, ev in enumerate(edge.get("evidence") or []):
            _check_fields(ev, ("source", "detail"), f"edges[{i}].evidence[{j}]", fail)
            _check_enum(ev["source"], EVIDENCE_SOURCES, f"edges[{i}].evidence[{j}].source", fail)
        if edge.get("verification") is not None:
            _check_verification(edge["verification"], f"edges[{i}].verification", fail)
    for i, warning in enumerate(data.get("warnings") or []):
        _check_fields(warning, ("kind", "message"), f"warnings[{i}]", fail)
        _check_enum(warning["kind"], WARNING_KINDS, f"warnings[{i}].kind", fail)


def _check_verification(value: Any, where: str, fail: Any) -> None:
    from auditor.fingerprint import VERDICTS

    _check_fields(value, ("verdict", "relation_guess", "evidence"), where, fail)
    _check_enum(value["verdict"], VERDICTS, f"{where}.verdict", fail)
    if not isinstance(value["evidence"], Mapping):
        raise fail(f"{where}.evidence must be an object")


def _check_fields(record: Any, keys: tuple[str, ...], where: str, fail: Any) -> None:
    if not isinstance(record, Mapping):
        raise fail(f"{where} must be an object")
    for key in keys:
        if key not in record:
            raise fail(f"{where} lacks '{key}'")


def _check_enum(value: Any, allowed: tuple[str, ...], where: str, fail: Any) -> None:
    if value not in allowed:
        raise fail(f"{where} is {value!r}; expected one of {', '.join(allowed)}")
