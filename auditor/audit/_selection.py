"""Which lineage nodes an audit evaluates, as which model references, against which parent.

The root is always evaluated: every derivative is compared with it. A derivative is kept when
it passes the policy (relation, downloads, top-N per relation, include/exclude); a GGUF repo
becomes one target per chosen quantization file. A derivative's comparison parent is its
nearest *evaluated* ancestor on the path from the root, so a filtered-out intermediate node
does not leave its children without a reference.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from auditor.audit._config import SelectionPolicy
from auditor.errors import UsageError
from auditor.refs import ModelIdentity
from lineage import LineageGraph, LineageNode, gguf_quant_from_name

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AuditTarget:
    """One model to evaluate: a lineage node, or one GGUF file of a quantized node."""

    id: str  # node id, or "<node id>:<QUANT>" for one file of a GGUF repo
    node_id: str
    reference: str  # what resolve_reference() takes
    parent: str | None  # target id compared against (None for the root)
    relation: str  # relation of the edge into the node ("" for the root)
    downloads: int | None = None
    # The store key this target will have, when it is known without downloading anything
    # (a Hub node pinned to a revision sha): lets a re-run skip a model that is fully stored.
    known_key: str | None = None
    # Adapters: the reference of the lineage parent they are applied to (resolve_reference's
    # ``base``), so a base recorded as a path on the trainer's machine does not matter.
    base_reference: str | None = None
    # Hub adapters: the store key of that parent, known from its revision sha. The adapter is
    # stored as ``key_on_base(known_key, known_base_key)`` (see _evaluate.py).
    known_base_key: str | None = None


@dataclass(frozen=True, slots=True)
class NotAudited:
    """A family member left out, and why (shown in the report).

    ``deliberate``: left out by the selection policy (relation, downloads, top-N, exclude),
    as asked; otherwise it could not be audited (gated, missing, no loadable weights...).
    """

    id: str
    reason: str
    deliberate: bool = False


@dataclass(frozen=True, slots=True)
class Selection:
    root: AuditTarget
    targets: tuple[AuditTarget, ...]  # the root first, then derivatives parent-before-child
    not_audited: tuple[NotAudited, ...]

    @property
    def derivatives(self) -> tuple[AuditTarget, ...]:
        return tuple(t for t in self.targets if t.parent is not None)

    def target(self, target_id: str) -> AuditTarget:
        for t in self.targets:
            if t.id == target_id:
                return t
        raise KeyError(target_id)


def select_targets(
    graph: LineageGraph,
    policy: SelectionPolicy,
    overrides: dict[str, str] | None = None,
) -> Selection:
    """Apply ``policy`` to the family below ``graph.root``."""
    overrides = {k.lower(): v for k, v in (overrides or {}).items()}
    root_node = graph.root_node
    if root_node.status != "ok":
        why = next((w.message for w in graph.warnings if root_node.id in w.nodes),
                   f"status {root_node.status}")
        raise UsageError(f"the root {root_node.id} cannot be audited: {why}")
    root_targets = _targets_for(root_node, None, "", policy, overrides)
    if not root_targets:
        raise UsageError(f"the root {root_node.id} has no weights this tool can load")
    root = root_targets[0]  # the root is one model: its preferred file
    kept, not_audited = _filter_descendants(graph, policy)
    targets: list[AuditTarget] = [root]
    evaluated: dict[str, str] = {root_node.id: root.id}  # node id -> target id it is compared as
    for edge in graph.descendants():
        node = graph.node(edge.child)
        if node.id in evaluated or edge.parent != _path_parent(graph, node.id):
            continue
        parent_target = _nearest_evaluated(graph, node.id, evaluated)
        if node.id not in kept:
            if parent_target is not None:
                evaluated.setdefault(node.id, parent_target)  # children compare further up
            continue
        found = _targets_for(node, parent_target, edge.relation, policy, overrides,
                             _adapter_base(graph, node.id, edge.relation))
        if not found:
            not_audited.append(NotAudited(node.id, "no loadable weights (format unknown)"))
            if parent_target is not None:
                evaluated.setdefault(node.id, parent_target)
            continue
        targets.extend(found)
        evaluated[node.id] = found[0].id
    return Selection(root=root, targets=tuple(targets), not_audited=tuple(not_audited))


def _path_parent(graph: LineageGraph, node_id: str) -> str | None:
    parent = graph.parent_of(node_id)
    return parent.id if parent is not None else None


def _nearest_evaluated(graph: LineageGraph, node_id: str, evaluated: dict[str, str]) -> str | None:
    parent = graph.parent_of(node_id)
    seen: set[str] = set()
    while parent is not None and parent.id not in seen:
        if parent.id in evaluated:
            return evaluated[parent.id]
        seen.add(parent.id)
        parent = graph.parent_of(parent.id)
    return None


def _filter_descendants(
    graph: LineageGraph, policy: SelectionPolicy
) -> tuple[set[str], list[NotAudited]]:
    include = {i.lower() for i in policy.include}
    exclude = {e.lower() for e in policy.exclude}
    not_audited: list[NotAudited] = []
    candidates: dict[str, list[tuple[LineageNode, str]]] = defaultdict(list)
    seen: set[str] = {graph.root}
    for edge in graph.descendants():
        node = graph.node(edge.child)
        if node.id in seen or node.role == "co-parent":
            continue
        seen.add(node.id)
        reason = _exclusion_reason(node, edge.relation, policy, exclude)
        if reason and node.id.lower() not in include or node.status != "ok":
            not_audited.append(NotAudited(node.id, reason or f"status {node.status}",
                                          deliberate=node.status == "ok"))
            continue
        candidates[edge.relation].append((node, edge.relation))
    kept: set[str] = set()
    for relation, nodes in candidates.items():
        ranked = sorted(nodes, key=lambda pair: -(pair[0].downloads or 0))
        for rank, (node, _) in enumerate(ranked):
            top_n = policy.top_n_per_relation
            if top_n and rank >= top_n and node.id.lower() not in include:
                not_audited.append(NotAudited(
                    node.id, f"not in the top {top_n} {relation} derivatives", deliberate=True
                ))
            else:
                kept.add(node.id)
    return kept, not_audited


def _exclusion_reason(
    node: LineageNode, relation: str, policy: SelectionPolicy, exclude: set[str]
) -> str:
    if node.status == "gated":
        return "gated: no access with this token"
    if node.status in ("missing", "error"):
        return f"{node.status} on the Hub"
    if node.id.lower() in exclude:
        return "excluded by the selection policy"
    if policy.relations and relation not in policy.relations:
        return f"relation {relation} not selected"
    if policy.min_downloads and (node.downloads or 0) < policy.min_downloads:
        return f"{node.downloads or 0} downloads < {policy.min_downloads}"
    return ""


def _adapter_base(graph: LineageGraph, node_id: str, relation: str) -> LineageNode | None:
    """For an adapter, the model it is applied to: its lineage parent."""
    parent = graph.parent_of(node_id)
    if relation != "adapter" or parent is None or parent.status != "ok":
        return None
    return parent


def _node_reference(node: LineageNode) -> str:
    if node.path is not None:
        return node.path
    return f"{node.id}@{node.sha}" if node.sha else node.id


def _targets_for(
    node: LineageNode,
    parent: str | None,
    relation: str,
    policy: SelectionPolicy,
    overrides: dict[str, str],
    base: LineageNode | None = None,
) -> list[AuditTarget]:
    """The references to evaluate for one node (several for a multi-file GGUF repo)."""
    base_ref = _node_reference(base) if base is not None else None
    # A Hub adapter's stored key depends on its base: known only when the base's is.
    base_key = _hub_key(base, None) if base is not None and base.path is None else None

    def make(target_id: str, reference: str, file: str | None = None) -> AuditTarget:
        known = _hub_key(node, file) if node.path is None and reference[:7] != "openai:" else None
        if base is not None and base_key is None:
            known = None
        return AuditTarget(target_id, node.id, reference, parent, relation, node.downloads, known,
                           base_ref, base_key if known else None)

    override = overrides.get(node.id.lower())
    if override:
        return [make(node.id, override)]
    if node.gguf_files:
        chosen = choose_gguf_files(node.gguf_files, policy)
        if len(chosen) == 1 and parent is None:
            return [make(node.id, _gguf_reference(node, chosen[0]), chosen[0])]
        return [
            make(_gguf_target_id(node, f, len(chosen)), _gguf_reference(node, f), f)
            for f in chosen
        ]
    if node.path is not None:
        return [make(node.id, node.path)]
    if not node.formats or set(node.formats) & {"safetensors", "pytorch", "gptq", "awq"}:
        revision = f"@{node.sha}" if node.sha else ""
        return [make(node.id, f"{node.id}{revision}")]
    return []


def _hub_key(node: LineageNode, file: str | None) -> str | None:
    """The store key of a Hub model at a known revision (see ``ModelIdentity.key``)."""
    if not node.sha:
        return None
    fmt = "gguf" if file else "safetensors"
    return ModelIdentity(node.id, fmt, repo_id=node.id, revision=node.sha, file=file).key


def choose_gguf_files(files: tuple[str, ...], policy: SelectionPolicy) -> list[str]:
    """The GGUF files to test: the policy's quantization types (in its order), or all."""
    if policy.all_quants:
        return sorted(files)
    by_quant: dict[str, str] = {}
    for name in sorted(files):
        quant = gguf_quant_from_name(name)
        if quant:
            by_quant.setdefault(quant.upper(), name)
    chosen = [by_quant[q.upper()] for q in policy.quant_types if q.upper() in by_quant]
    if chosen:
        return chosen
    fallback = sorted(files)[0]
    log.info("none of %s among %s; testing %s", policy.quant_types, files, fallback)
    return [fallback]


def _gguf_target_id(node: LineageNode, filename: str, count: int) -> str:
    quant = gguf_quant_from_name(filename)
    if count == 1 and node.path is not None:
        return node.id
    return f"{node.id}:{quant or Path(filename).stem}"


def _gguf_reference(node: LineageNode, filename: str) -> str:
    if node.path is not None:
        path = Path(node.path)
        return str(path if path.suffix.lower() == ".gguf" else path / filename)
    quant = gguf_quant_from_name(filename)
    revision = f"@{node.sha}" if node.sha else ""
    return f"{node.id}{revision}:{quant}" if quant else f"{node.id}{revision}:{filename}"
