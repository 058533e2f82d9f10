"""Lineage records: nodes, edges, evidence and warnings (JSON schema version 1).

These are the in-memory form of the lineage JSON file. Each record converts to and from the
plain dictionaries of that file (out through the one serialiser, :func:`auditor.jsonio.to_jsonable`:
fields in order, tuples as lists); :mod:`lineage._graph` validates whole files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.jsonio import to_jsonable

SCHEMA_VERSION = 1

STATUSES = ("ok", "gated", "missing", "error")
ROLES = ("root", "ancestor", "descendant", "co-parent")
#: The Hub names the first four; ``distillation`` comes from cards naming a teacher, and
#: ``reupload`` from weights identical to the parent's (``auditor lineage --verify``).
RELATIONS = ("finetune", "quantized", "adapter", "merge", "distillation", "reupload")
#: ``auditor``: a variant the auditor made itself (``--quantize``).
EVIDENCE_SOURCES = ("card", "tag", "files", "gguf", "adapter_config", "mergekit", "weights",
                    "auditor")
WARNING_KINDS = (
    "cycle",
    "self_loop",
    "missing_parent",
    "relation_conflict",
    "gated",
    "unresolvable_parent",
    "truncated",
    "error",
    "contradicted_parent",
)


class _FileRecord:
    """A record the lineage file holds as its fields, in order (tuples as lists)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = to_jsonable(self)
        return plain


@dataclass(frozen=True, slots=True)
class Evidence(_FileRecord):
    """One observation supporting an edge: where it came from and what it said."""

    source: str
    detail: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(source=str(data["source"]), detail=str(data["detail"]))


@dataclass(frozen=True, slots=True)
class LineageNode(_FileRecord):
    """One model in the family.

    ``depth`` counts generations from the root: 0 for the root, 1 for its children, and
    negative for ancestors (-1 is the root's parent). A co-parent's depth is one less than the
    merge it feeds. ``path`` is the local folder or file for nodes read with ``crawl_local``
    (``None`` for Hub nodes); ``gguf_files`` lists the GGUF files of the repo or folder.
    """

    id: str
    status: str = "ok"
    role: str = "descendant"
    depth: int = 0
    sha: str | None = None
    gated: bool = False
    downloads: int | None = None
    likes: int | None = None
    license: str | None = None
    formats: tuple[str, ...] = ()
    quantization: str | None = None
    last_modified: str | None = None
    library_name: str | None = None
    path: str | None = None
    gguf_files: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LineageNode:
        return cls(
            id=str(data["id"]),
            status=str(data["status"]),
            role=str(data["role"]),
            depth=int(data["depth"]),
            sha=_opt_str(data.get("sha")),
            gated=bool(data.get("gated", False)),
            downloads=_opt_int(data.get("downloads")),
            likes=_opt_int(data.get("likes")),
            license=_opt_str(data.get("license")),
            formats=tuple(str(f) for f in data.get("formats") or ()),
            quantization=_opt_str(data.get("quantization")),
            last_modified=_opt_str(data.get("last_modified")),
            library_name=_opt_str(data.get("library_name")),
            path=_opt_str(data.get("path")),
            gguf_files=tuple(str(f) for f in data.get("gguf_files") or ()),
        )


@dataclass(frozen=True, slots=True)
class LineageEdge:
    """``child`` was derived from ``parent`` by ``relation``; ``evidence`` says why we think so.

    ``verification`` is the weights' verdict on the edge (``{verdict, relation_guess,
    evidence}``, as ``auditor verify --json`` prints it), present only after ``--verify``.
    """

    parent: str
    child: str
    relation: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    verification: Mapping[str, Any] | None = field(default=None, hash=False)

    @property
    def verdict(self) -> str | None:
        """The verification verdict (``confirmed``... ``unverifiable``), or None if unchecked."""
        return None if self.verification is None else str(self.verification.get("verdict"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "parent": self.parent,
            "child": self.child,
            "relation": self.relation,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.verification is not None:
            out["verification"] = dict(self.verification)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LineageEdge:
        return cls(
            parent=str(data["parent"]),
            child=str(data["child"]),
            relation=str(data["relation"]),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence") or ()),
            verification=dict(data["verification"]) if data.get("verification") else None,
        )


@dataclass(frozen=True, slots=True)
class LineageWarning(_FileRecord):
    """An inconsistency met while crawling; ``nodes`` names the models concerned."""

    kind: str
    nodes: tuple[str, ...]
    message: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LineageWarning:
        return cls(
            kind=str(data["kind"]),
            nodes=tuple(str(n) for n in data.get("nodes") or ()),
            message=str(data["message"]),
        )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)
