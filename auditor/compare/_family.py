"""Which stored models are the family's members, and who is whose parent.

A lineage graph (schema v1: ``root``, ``source``, ``nodes`` with ``id``/``role``/``status``/
``depth``, ``edges`` with ``parent``/``child``/``relation``, ``warnings``) gives the tree.
Without one, the family is the root and every other model in the store, each compared with
the root (relation ``unknown``).

**Node-to-model rule.** ``auditor audit`` records which stored model key each node was
evaluated as and passes that mapping in. Without a mapping, a node matches every stored model
whose key, ``repo_id`` (case-insensitive), ``reference`` or local name equals the node id, or
whose ``reference`` is the node's local ``path``. A node that matches several keys (e.g. a
repository with several GGUF files) becomes one audited member per key, named
``<node id>:<file>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import ReportError

if TYPE_CHECKING:
    from lineage import LineageGraph


@dataclass(frozen=True, slots=True)
class Member:
    """One audited (or auditable) model: a lineage node evaluated as one store key."""

    id: str
    node: str
    key: str


@dataclass(frozen=True, slots=True)
class FamilyNode:
    id: str
    role: str
    status: str
    depth: int


@dataclass(frozen=True, slots=True)
class Family:
    root: str
    source: str
    nodes: tuple[FamilyNode, ...]
    edges: tuple[tuple[str, str, str], ...]  # (parent, child, relation)
    warnings: tuple[str, ...]
    members: Mapping[str, tuple[Member, ...]]  # node id -> members (empty: not evaluated)
    #: (parent, child) -> the weights' verdict on that edge (``lineage --verify``), if checked
    verifications: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)

    def parent_of(self, node: str) -> tuple[str, str] | None:
        """``(parent id, relation)`` along the family tree (roots and descendants first)."""
        roles = {n.id: n.role for n in self.nodes}
        options = [(p, r) for p, c, r in self.edges if c == node]
        options.sort(key=lambda pr: roles.get(pr[0]) not in ("root", "descendant"))
        return options[0] if options else None

    def derivatives(self) -> list[FamilyNode]:
        """Descendants of the root, nearest generation first."""
        return sorted(
            (n for n in self.nodes if n.role == "descendant"), key=lambda n: (n.depth, n.id)
        )


def _matches(node_id: str, key: str, identity: Mapping[str, Any], path: str | None) -> bool:
    if key == node_id:
        return True
    repo = identity.get("repo_id")
    if isinstance(repo, str) and repo.casefold() == node_id.casefold():
        return True
    if node_id in (identity.get("reference"), identity.get("local_name")):
        return True
    ref = identity.get("reference")
    if path and isinstance(ref, str):
        try:
            return Path(ref).resolve() == Path(path).resolve()
        except OSError:
            return False
    return False


def _display(node_id: str, key: str, identity: Mapping[str, Any], several: bool) -> str:
    if not several:
        return node_id
    return f"{node_id}:{identity.get('file') or key}"


def match_members(
    node_id: str,
    identities: Mapping[str, Mapping[str, Any]],
    *,
    path: str | None = None,
    mapping: Mapping[str, str | Sequence[str]] | None = None,
) -> tuple[Member, ...]:
    """The stored models a node was evaluated as (see the module docstring for the rule)."""
    if mapping is not None and node_id in mapping:
        mapped = mapping[node_id]
        keys = [mapped] if isinstance(mapped, str) else list(mapped)
    else:
        keys = [k for k, ident in identities.items() if _matches(node_id, k, ident, path)]
    keys = sorted(k for k in keys if k in identities)
    several = len(keys) > 1
    return tuple(Member(_display(node_id, k, identities[k], several), node_id, k) for k in keys)


def family_from_lineage(
    graph: LineageGraph,
    identities: Mapping[str, Mapping[str, Any]],
    *,
    root: str | None = None,
    mapping: Mapping[str, str | Sequence[str]] | None = None,
) -> Family:
    """The family of a lineage graph, with each node's stored models."""
    if root is not None and root != graph.root:
        raise ReportError(
            f"--root {root!r} does not match the lineage file's root {graph.root!r}; "
            "leave --root out or pass the lineage file of that family"
        )
    nodes = tuple(FamilyNode(n.id, n.role, n.status, int(n.depth)) for n in graph.nodes)
    members = {
        n.id: match_members(n.id, identities, path=n.path, mapping=mapping)
        for n in graph.nodes
    }
    warnings = tuple(f"{w.kind}: {w.message}" for w in graph.warnings if w.message)
    return Family(
        root=graph.root,
        source=str(graph.source),
        nodes=nodes,
        edges=tuple((e.parent, e.child, e.relation) for e in graph.edges),
        warnings=warnings,
        members=members,
        verifications={(e.parent, e.child): e.verification for e in graph.edges
                       if e.verification is not None},
    )


def family_from_store(
    identities: Mapping[str, Mapping[str, Any]],
    root: str,
    *,
    mapping: Mapping[str, str | Sequence[str]] | None = None,
) -> Family:
    """No lineage file: the root and every other stored model, each a child of the root."""
    root_members = match_members(root, identities, mapping=mapping)
    if not root_members:
        known = ", ".join(sorted(identities)) or "none"
        raise ReportError(
            f"no stored model matches the root {root!r} (by key, repo id, reference or local "
            f"name); models in the store: {known}"
        )
    taken = {m.key for m in root_members}
    nodes = [FamilyNode(root, "root", "ok", 0)]
    members: dict[str, tuple[Member, ...]] = {root: root_members[:1]}
    edges = []
    for key in sorted(set(identities) - taken):
        ident = identities[key]
        repo = ident.get("repo_id")
        name = f"{repo}:{ident['file']}" if repo and ident.get("file") else repo or key
        node = name if name not in members else key
        nodes.append(FamilyNode(node, "descendant", "ok", 1))
        members[node] = (Member(node, node, key),)
        edges.append((root, node, "unknown"))
    warnings = []
    if len(root_members) > 1:
        warnings.append(
            f"several stored models match the root; using {root_members[0].key} "
            f"(others: {', '.join(m.key for m in root_members[1:])})"
        )
    return Family(root, "store", tuple(nodes), tuple(edges), tuple(warnings), members)
