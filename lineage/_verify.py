"""Checking a crawled graph's claims by the models' weights (``auditor lineage --verify``).

Each edge gets the verdict of :func:`auditor.fingerprint.compare_fingerprints` as its
``verification`` (the object ``auditor verify --json`` prints). Every model is fingerprinted
once however many edges it sits on (Hub fingerprints are also cached by commit). What cannot be
checked (a gated or missing node, no readable weights, a Hub failure, a hostile file) makes its
edges ``unverifiable`` with the reason: verification never stops a crawl's answer.

Two findings change the graph beyond the verdicts: a child whose sampled weights equal its
parent's exactly is a ``reupload`` (the fingerprint digest as evidence), and a contradicted
edge adds a ``contradicted_parent`` warning naming the numbers.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lineage._graph import LineageGraph
from lineage._records import Evidence, LineageEdge, LineageNode, LineageWarning

if TYPE_CHECKING:
    from auditor.fingerprint import Fingerprint

log = logging.getLogger(__name__)

#: ``progress(done, total, edge)``: called before each edge is checked and once at the end.
VerifyProgress = Callable[[int, int, LineageEdge | None], None]


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """Why a model could not be fingerprinted."""

    reason: str


def node_reference(node: LineageNode) -> str:
    """What :func:`auditor.fingerprint.fingerprint` reads for a node: its local path (the
    GGUF file of a folder holding only GGUF weights), else ``id@sha`` on the Hub."""
    if node.path is not None:
        path = Path(node.path)
        if path.is_dir() and node.gguf_files and "safetensors" not in node.formats:
            return str(path / node.gguf_files[0])
        return node.path
    return f"{node.id}@{node.sha}" if node.sha else node.id


def fingerprint_digest(fp: Fingerprint) -> str:
    """sha256 over every sampled tensor's name, shape and values: equal digests, equal
    samples (storage types aside)."""
    h = hashlib.sha256()
    for name in sorted(fp.tensors):
        sample = fp.tensors[name]
        h.update(f"{name}|{list(sample.shape)}|".encode())
        h.update(sample.values.astype("<f4").tobytes())
    return h.hexdigest()


class _Fingerprints:
    """Each node's fingerprint, or why there is none, computed once."""

    def __init__(self, graph: LineageGraph, token: str | None, use_cache: bool) -> None:
        self._graph, self._token, self._use_cache = graph, token, use_cache
        self._memo: dict[str, Fingerprint | _Unreadable] = {}

    def get(self, node_id: str) -> Fingerprint | _Unreadable:
        if node_id not in self._memo:
            self._memo[node_id] = self._read(self._graph.node(node_id))
        return self._memo[node_id]

    def _read(self, node: LineageNode) -> Fingerprint | _Unreadable:
        from auditor.fingerprint import fingerprint

        if node.status != "ok":
            return _Unreadable(f"{node.id} is {node.status}: its weights cannot be read")
        ref = node_reference(node)
        try:
            return fingerprint(ref, token=self._token, use_cache=self._use_cache)
        except Exception as exc:  # any failure is this edge's answer, never the crawl's end
            log.info("no fingerprint for %s: %s", ref, exc, exc_info=True)
            return _Unreadable(f"{node.id}: {exc}")


def _check(edge: LineageEdge, prints: _Fingerprints) -> tuple[dict[str, Any], str | None]:
    """The verification of one edge and, for identical weights, the fingerprint digest."""
    from auditor.fingerprint import compare_fingerprints

    child, parent = prints.get(edge.child), prints.get(edge.parent)
    for side in (child, parent):
        if isinstance(side, _Unreadable):
            return {"verdict": "unverifiable", "relation_guess": None,
                    "evidence": {"reason": side.reason, "child": {"ref": edge.child},
                                 "parent": {"ref": edge.parent}}}, None
    assert not isinstance(child, _Unreadable) and not isinstance(parent, _Unreadable)
    try:
        result = compare_fingerprints(child, parent).to_dict()
    except Exception as exc:  # a malformed fingerprint must not end the crawl
        log.info("cannot compare %s with %s", edge.child, edge.parent, exc_info=True)
        return {"verdict": "unverifiable", "relation_guess": None,
                "evidence": {"reason": f"comparison failed: {exc}"}}, None
    if result["relation_guess"] != "identical":
        return result, None
    digest = fingerprint_digest(child)
    return result, digest if digest == fingerprint_digest(parent) else None


def _verified_edge(edge: LineageEdge, verification: dict[str, Any],
                   digest: str | None) -> LineageEdge:
    if digest is None:
        return replace(edge, verification=verification)
    tensors = verification["evidence"].get("compared_tensors")
    detail = (f"identical weight fingerprint (sha256 {digest[:16]}, {tensors} tensors "
              f"sampled): a re-upload of {edge.parent}")
    return replace(edge, relation="reupload", verification=verification,
                   evidence=(*edge.evidence, Evidence("weights", detail)))


def _warning(edge: LineageEdge) -> LineageWarning:
    assert edge.verification is not None
    evidence = edge.verification.get("evidence") or {}
    return LineageWarning(
        "contradicted_parent", (edge.child, edge.parent),
        f"{edge.child}: its weights contradict the claim that it derives from {edge.parent} "
        f"({edge.verification.get('relation_guess')}: {evidence.get('reason', 'no reason')})")


def verify_graph(graph: LineageGraph, *, token: str | None = None, use_cache: bool = True,
                 progress: VerifyProgress | None = None) -> LineageGraph:
    """The graph with every edge's ``verification`` (and re-uploads relabelled)."""
    prints = _Fingerprints(graph, token, use_cache)
    edges: list[LineageEdge] = []
    for done, edge in enumerate(graph.edges):
        if progress is not None:
            progress(done, len(graph.edges), edge)
        verification, digest = _check(edge, prints)
        edges.append(_verified_edge(edge, verification, digest))
    if progress is not None:
        progress(len(edges), len(edges), None)
    warnings = [*graph.warnings, *(_warning(e) for e in edges if e.verdict == "contradicted")]
    options = {**graph.options, "verified": True}
    return replace(graph, edges=tuple(edges), warnings=tuple(warnings), options=options)
