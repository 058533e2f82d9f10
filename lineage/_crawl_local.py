"""Lineage from local model folders, no network.

Every folder (or GGUF file) declares its parents; references are matched to the other given
folders (by path, by Hub id from the huggingface_hub cache layout, or by folder name = the last
part of a Hub id) or stay external (status ``missing``: not among the folders, and not checked
on the Hub in local mode). From the root the family is then walked like a Hub crawl: ancestors
up, descendants down to ``depth``, other parents of merges as co-parents.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from auditor.errors import UsageError
from lineage._builder import GraphBuilder
from lineage._graph import LineageGraph
from lineage._hubmodel import formats_of, quantization_of
from lineage._ids import as_list, normalize_ref
from lineage._local import LocalModel, read_local_model
from lineage._options import CrawlOptions
from lineage._records import Evidence, LineageNode
from lineage._relation import (
    RANK_ADAPTER,
    RANK_GGUF,
    RANK_MERGE,
    RANK_QUANT,
    Claim,
    Decision,
    card_claim,
    card_keywords,
    card_teachers,
    conflict_message,
    decide,
    distillation_claims,
    tag_claims,
)

log = logging.getLogger(__name__)


def crawl_local(
    dirs: Sequence[str | Path], root: str | None = None, options: CrawlOptions | None = None
) -> LineageGraph:
    """Build the family of ``root`` from local folders (default root: the topmost ancestor of
    the first folder). Raises UsageError for an unknown root, InputError for a missing path."""
    if not dirs:
        raise UsageError("give at least one local model folder or GGUF file")
    opts = options or CrawlOptions()
    models: dict[Path, LocalModel] = {}
    for d in dirs:
        model = read_local_model(d)
        models.setdefault(model.path, model)
    family = _Declared(list(models.values()))
    root_id = family.pick_root(root)
    return _Walk(family, opts).run(root_id)


class _Declared:
    """All declared parent links among the folders and the references they name."""

    def __init__(self, models: list[LocalModel]) -> None:
        self.models: dict[str, LocalModel] = {}
        self.order: list[str] = []
        self.aliases: dict[str, str] = {}
        self.nodes: dict[str, LineageNode] = {}
        self.parents: dict[str, dict[str, list[Evidence]]] = {}
        self.claims: dict[str, list[Claim]] = {}
        self.warnings: list[tuple[str, tuple[str, ...], str]] = []
        for model in models:
            self._register(model)
        for node_id in self.order:
            self._declare(node_id)
        for node_id in self.order:
            self._declare_gguf_bases(node_id)

    # --- identities -----------------------------------------------------------------------------
    def _register(self, model: LocalModel) -> None:
        node_id = model.hub_id or model.name
        if node_id in self.models:
            node_id = f"{model.path.parent.name}/{model.name}"
        if node_id in self.models:
            node_id = str(model.path)
        self.models[node_id] = model
        self.order.append(node_id)
        for alias in (str(model.path), node_id.lower(), model.name.lower(), model.hub_id):
            if alias:
                self.aliases.setdefault(alias if alias.startswith("/") else alias.lower(), node_id)
        ggufs = tuple(g.file for g in model.ggufs)
        self.nodes[node_id] = LineageNode(
            id=node_id,
            sha=model.sha,
            license=model.license,
            formats=formats_of(model.files, (), model.quant_method),
            quantization=_quantization(model),
            last_modified=model.last_modified,
            library_name=_library(model),
            path=str(model.path),
            gguf_files=ggufs,
        )

    def resolve(self, raw: str, referrer: str) -> str | None:
        """The node a reference names (a folder, or an external Hub id), or None with a warning."""
        text = str(raw).strip()
        folder = self.models[referrer].path
        folder = folder if folder.is_dir() else folder.parent
        for candidate in _local_candidates(text, folder):
            hit = self.aliases.get(candidate)
            if hit:
                return hit
        ref = normalize_ref(text)
        if ref.repo_id is None:
            self.warnings.append((
                "unresolvable_parent", (referrer,),
                f"{referrer}: parent {raw!r} cannot be followed: it is {ref.problem}"
                + (" not among the given folders" if "local path" in (ref.problem or "") else ""),
            ))
            return None
        key = ref.repo_id.lower()
        hit = self.aliases.get(key) or self.aliases.get(key.rsplit("/", 1)[-1])
        if hit:
            return hit
        if ref.repo_id not in self.nodes:
            self.nodes[ref.repo_id] = LineageNode(id=ref.repo_id, status="missing")
            self.warnings.append((
                "missing_parent", (ref.repo_id, referrer),
                f"{referrer} names {ref.repo_id} as a parent, but it is not among the local "
                "folders (local mode does not look it up on the Hub)",
            ))
        return ref.repo_id

    # --- declarations ---------------------------------------------------------------------------
    def _declare(self, node_id: str) -> None:
        model = self.models[node_id]
        declared: list[tuple[str, Evidence]] = []
        declared += [(b, Evidence("card", f"base_model: {b!r}")) for b in model.card_bases]
        if model.adapter_base:
            ev = Evidence("adapter_config", f"base_model_name_or_path: {model.adapter_base!r}")
            declared.append((model.adapter_base, ev))
        for ref in model.merge_models:
            ev = Evidence("mergekit", f"{model.merge_method or 'merge'} of {ref!r}")
            declared.append((ref, ev))
        for g in model.ggufs:
            if g.source:
                ev = Evidence("gguf", f"general.source in {g.file}: {g.source}")
                declared.append((g.source, ev))
        if not declared and model.config_name:
            ev = Evidence("files", f"config.json _name_or_path: {model.config_name!r}")
            declared.append((model.config_name, ev))
        for raw, evidence in declared:
            target = self.resolve(raw, node_id)
            if target == node_id:
                if evidence.source != "files":
                    self.warnings.append(
                        ("self_loop", (node_id,), f"{node_id} names itself as its parent; ignored")
                    )
            elif target is not None:
                self.parents.setdefault(node_id, {}).setdefault(target, []).append(evidence)
        self.claims[node_id] = _claims(model, len(self.parents.get(node_id, {})))

    def _declare_gguf_bases(self, node_id: str) -> None:
        """A GGUF of X lists X's parents: link them to X, not to the GGUF."""
        model = self.models[node_id]
        for g in model.ggufs:
            if not g.bases:
                continue
            own = list(self.parents.get(node_id, {}))
            source = self.resolve(g.source, node_id) if g.source else (
                own[0] if len(own) == 1 else None
            )
            if source is None:
                self.warnings.append((
                    "unresolvable_parent", (node_id,),
                    f"{node_id}: {g.file} lists base models {list(g.bases)} of the model it was "
                    "converted from, but not that model; add a README with base_model",
                ))
                continue
            if source in self.models and self.parents.get(source):
                continue  # the source folder declares its own parents
            for i, raw in enumerate(g.bases):
                target = self.resolve(raw, node_id)
                if target and target != source:
                    ev = Evidence("gguf", f"general.base_model.{i} in {node_id}/{g.file}: {raw}")
                    self.parents.setdefault(source, {}).setdefault(target, []).append(ev)
            self.claims.setdefault(source, [])

    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for child, parents in self.parents.items():
            for parent in parents:
                out.setdefault(parent, []).append(child)
        return {k: sorted(v) for k, v in out.items()}

    def pick_root(self, root: str | None) -> str:
        if root is None:
            current, seen = self.order[0], set()
            while self.parents.get(current) and current not in seen:
                seen.add(current)
                current = sorted(self.parents[current])[0]
            return current
        text = root.strip()
        candidates = [text, text.lower(), *_local_candidates(text, Path.cwd())]
        ref = normalize_ref(text)
        if ref.repo_id:
            key = ref.repo_id.lower()
            candidates += [ref.repo_id, key, key.rsplit("/", 1)[-1]]
        for c in candidates:
            if c in self.nodes:
                return c
            if c in self.aliases:
                return self.aliases[c]
        known = ", ".join(sorted(self.nodes)[:20])
        raise UsageError(f"root {root!r} is not among the local models or their parents: {known}")

    def decision(self, parent: str, child: str) -> tuple[Decision, list[Claim]]:
        model = self.models.get(child)
        tags = as_list(model.card.get("tags")) if model else []
        claims = self.claims.get(child, []) + tag_claims(tags, parent)
        return decide(claims, self.parents[child][parent]), claims


class _Walk:
    """Select the root's family from the declared links, as a Hub crawl would."""

    def __init__(self, family: _Declared, options: CrawlOptions) -> None:
        self.family = family
        self.options = options
        self.graph = GraphBuilder(options.max_nodes)
        self.down = family.children()
        self.cut: dict[str, int] = {}

    def run(self, root: str) -> LineageGraph:
        self._put(root, "root", 0)
        if self.options.ancestors:
            self._ancestors(root)
        descendants = self._descendants(root)
        for child in descendants:
            for parent in sorted(self.family.parents.get(child, {})):
                if parent not in self.graph.nodes and not self._put(
                    parent, "co-parent", self.graph.nodes[child].depth - 1, child
                ):
                    continue
                self._edge(parent, child)
        included = set(self.graph.nodes)
        for kind, nodes, message in self.family.warnings:
            if included & set(nodes):
                self.graph.warn(kind, nodes, message)
        if self.cut:
            self.graph.warn(
                "truncated", sorted(self.cut),
                f"stopped at {self.options.max_nodes} nodes: {sum(self.cut.values())} more "
                "models were not added (raise --max-nodes)",
            )
        left = [n for n in self.family.order if n not in included]
        if left:
            log.warning("not connected to %s, left out: %s", root, ", ".join(left))
        return self.graph.build(root, "local", self.options.summary())

    def _put(self, node_id: str, role: str, depth: int, via: str | None = None) -> bool:
        if self.graph.full:
            key = via or node_id
            self.cut[key] = self.cut.get(key, 0) + 1
            return False
        node = self.family.nodes[node_id]
        self.graph.put(LineageNode(**{**node.to_dict(), "role": role, "depth": depth,
                                      "formats": node.formats, "gguf_files": node.gguf_files}))
        return True

    def _edge(self, parent: str, child: str) -> None:
        decision, claims = self.family.decision(parent, child)
        added = self.graph.add_edge(parent, child, decision.relation, decision.evidence)
        if added and decision.conflict:
            self.graph.warn("relation_conflict", [child, parent],
                            conflict_message(child, parent, decision, claims))

    def _ancestors(self, root: str) -> None:
        queue = deque([(root, 0)])
        seen = {root}
        while queue:
            child, depth = queue.popleft()
            if -depth >= self.options.max_ancestor_depth:
                continue
            for parent in sorted(self.family.parents.get(child, {})):
                if parent not in self.graph.nodes and not self._put(
                    parent, "ancestor", depth - 1, child
                ):
                    continue
                self._edge(parent, child)
                if parent not in seen:
                    seen.add(parent)
                    queue.append((parent, depth - 1))

    def _descendants(self, root: str) -> list[str]:
        found: list[str] = []
        frontier = [root]
        for depth in range(1, self.options.depth + 1):
            upcoming = []
            for parent in frontier:
                for child in self.down.get(parent, []):
                    decision, _ = self.family.decision(parent, child)
                    wanted = self.options.relations
                    if wanted and decision.relation not in wanted:
                        continue
                    is_new = child not in self.graph.nodes
                    if is_new and not self._put(child, "descendant", depth, parent):
                        continue
                    if not is_new and self.graph.nodes[child].role == "co-parent":
                        self.graph.update(child, role="descendant", depth=depth)
                        is_new = True
                    self._edge(parent, child)
                    if is_new:
                        upcoming.append(child)
                        found.append(child)
            frontier = upcoming
        return found


def _local_candidates(text: str, folder: Path) -> list[str]:
    """The resolved paths a reference may name: as given (``~`` expanded), relative to the
    referring folder, relative to the working directory. A text the OS cannot look up (NUL
    bytes, too long, ``~nobody``) names no path: it is then read as a Hub id or refused."""
    out = []
    for make in (lambda: Path(text).expanduser(), lambda: folder / text,
                 lambda: Path.cwd() / text):
        try:
            candidate = make()
            if text and (candidate.is_absolute() or candidate.exists()):
                out.append(str(candidate.resolve()))
        except (OSError, ValueError, RuntimeError):
            continue
    return out


def _claims(model: LocalModel, n_parents: int) -> list[Claim]:
    claims = [c for c in [card_claim(model.card.get("base_model_relation"))] if c]
    for g in model.ggufs:
        relation = "adapter" if g.type == "adapter" else "quantized"
        detail = f"{g.file}: general.type {g.type}, {g.quantization or 'unknown type'}"
        claims.append(Claim(relation, "gguf", detail, RANK_GGUF))
    if model.quant_method:
        detail = f"config.json quantization_config.quant_method: {model.quant_method}"
        claims.append(Claim("quantized", "files", detail, RANK_QUANT))
    if model.adapter_base is not None or "adapter_config.json" in model.files:
        claims.append(Claim("adapter", "adapter_config", "adapter_config.json present",
                            RANK_ADAPTER))
    if model.merge_models:
        claims.append(Claim("merge", "mergekit",
                            f"mergekit_config.yml merges {len(model.merge_models)} models",
                            RANK_MERGE))
    elif n_parents >= 2:
        claims.append(Claim("merge", "card", f"{n_parents} parents declared", RANK_MERGE))
    claims += distillation_claims((), card_teachers(model.card), card_keywords(model.card))
    return claims


def _quantization(model: LocalModel) -> str | None:
    kinds = sorted({g.quantization for g in model.ggufs if g.quantization})
    if kinds:
        return ",".join(kinds)
    return quantization_of((), model.quant_method, model.quant_bits, ())


def _library(model: LocalModel) -> str | None:
    value = model.card.get("library_name")
    if isinstance(value, str):
        return value
    if model.adapter_base is not None:
        return "peft"
    return "gguf" if model.ggufs and len(model.files) <= len(model.ggufs) + 2 else None
