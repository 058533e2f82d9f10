"""Crawl a model family on the Hub: ancestors through card ``base_model``, descendants through
the ``base_model:<id>`` tag listing (one expanded listing per node, level by level, in
parallel up to the concurrency limit), co-parents of merges resolved at the end.

Nothing in the metadata stops the crawl: every oddity becomes a node status or a warning.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from urllib.parse import urlparse

from auditor.errors import GatedRepoError, HubError, RepoNotFoundError, UsageError
from lineage._builder import GraphBuilder
from lineage._graph import LineageGraph
from lineage._hubclient import HubClient, resolve_endpoint
from lineage._hubmodel import HubModel
from lineage._ids import ParentRef, normalize_ref
from lineage._options import CrawlOptions, CrawlProgress, ProgressCallback
from lineage._records import Evidence, LineageNode
from lineage._relation import (
    Claim,
    card_claim,
    conflict_message,
    decide,
    distillation_claims,
    file_claims,
    tag_claims,
)

log = logging.getLogger(__name__)


def crawl_hub(
    root_id: str,
    options: CrawlOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> LineageGraph:
    """Crawl the family of ``root_id`` on the Hub (``options.endpoint`` or ``HF_ENDPOINT``).

    Raises :class:`auditor.errors.UsageError` when ``root_id`` is not a repo id; Hub failures
    on individual nodes become node statuses and warnings, never exceptions.
    """
    opts = options or CrawlOptions()
    endpoint = resolve_endpoint(opts.endpoint)
    ref = normalize_ref(root_id, extra_hosts=[urlparse(endpoint).netloc])
    if ref.repo_id is None:
        raise UsageError(f"{root_id!r} is not a Hub model id ({ref.problem}); expected org/name")
    client = HubClient(opts)
    try:
        return _HubCrawl(client, opts, progress).run(ref.repo_id)
    finally:
        client.close()


class _HubCrawl:
    def __init__(
        self, client: HubClient, options: CrawlOptions, progress: ProgressCallback | None
    ) -> None:
        self.client = client
        self.options = options
        self.progress = progress
        self.graph = GraphBuilder(options.max_nodes)
        self.models: dict[str, HubModel] = {}
        self.co_parents: dict[str, tuple[ParentRef, list[str]]] = {}
        self.hosts = [urlparse(client.endpoint).netloc]
        self.cut: dict[str, int] = {}
        self.skipped = 0
        self.prefetched: dict[str, HubModel | HubError] = {}

    def run(self, root_ref: str) -> LineageGraph:
        root = self._fetch_node(root_ref, role="root", depth=0, child=None)
        if self.options.ancestors:
            self._ancestors(root)
        self._descendants(root)
        self._resolve_co_parents()
        if self.cut:
            parents = sorted(self.cut)
            self.graph.warn(
                "truncated",
                parents,
                f"stopped at {self.options.max_nodes} nodes: at least {sum(self.cut.values())} "
                f"more models were not added (raise --max-nodes)",
            )
        if self.skipped:
            log.info("skipped %d derivatives (relation filter or minimum downloads)", self.skipped)
        summary = {**self.options.summary(), "endpoint": self.client.endpoint}
        return self.graph.build(root, "hub", summary)

    # --- fetching one node by id ----------------------------------------------------------
    def _fetch_node(self, repo_id: str, role: str, depth: int, child: str | None) -> str:
        """Fetch ``repo_id`` with model_info and add it; returns its canonical id."""
        try:
            model = self._model(repo_id)
        except GatedRepoError:
            self.graph.put(LineageNode(repo_id, "gated", role, depth, gated=True))
            self._warn_gated(repo_id)
            return repo_id
        except RepoNotFoundError as exc:
            self.graph.put(LineageNode(repo_id, "missing", role, depth))
            if child is None:
                self.graph.warn("error", [repo_id], f"{repo_id} was not found on the Hub ({exc})")
            else:
                self.graph.warn(
                    "missing_parent",
                    [repo_id, child],
                    f"{child} names {repo_id} as a base model, but no such repo exists on the Hub",
                )
            return repo_id
        except HubError as exc:
            self.graph.put(LineageNode(repo_id, "error", role, depth))
            self.graph.warn("error", [repo_id], f"{exc}; {repo_id} is marked error")
            return repo_id
        existing = self.graph.find(model.id)
        if existing is not None:
            return existing
        self._add_model(model, role, depth)
        return model.id

    def _add_model(self, model: HubModel, role: str, depth: int) -> None:
        self.models[model.id] = model
        status = "gated" if model.gated else "ok"
        self.graph.put(
            LineageNode(
                id=model.id,
                status=status,
                role=role,
                depth=depth,
                sha=model.sha,
                gated=model.gated,
                downloads=model.downloads,
                likes=model.likes,
                license=model.license,
                formats=model.formats,
                quantization=model.quantization,
                last_modified=model.last_modified,
                library_name=model.library_name,
                gguf_files=model.gguf_files,
            )
        )
        if model.gated:
            self._warn_gated(model.id)

    def _warn_gated(self, repo_id: str) -> None:
        self.graph.warn(
            "gated",
            [repo_id],
            f"{repo_id} is gated: accept its terms on the Hub and set HF_TOKEN to evaluate it",
        )

    # --- ancestors ----------------------------------------------------------------------------
    def _ancestors(self, root: str) -> None:
        level = [root]
        seen = {root}
        for step in range(1, self.options.max_ancestor_depth + 1):
            upper: list[str] = []
            for child in level:
                model = self.models.get(child)
                if model is None:
                    continue
                for ref in self._parent_refs(model):
                    parent = self._link_parent(ref, model, role="ancestor", depth=-step)
                    if parent is not None and parent not in seen and parent in self.models:
                        seen.add(parent)
                        upper.append(parent)
            if not upper:
                return
            level = upper

    def _parent_refs(self, model: HubModel) -> list[ParentRef]:
        """The usable ``base_model`` values of a card; warns about the unusable ones."""
        out: list[ParentRef] = []
        for raw in model.card_base_models:
            ref = normalize_ref(raw, self.hosts)
            if ref.repo_id is None:
                self.graph.warn(
                    "unresolvable_parent",
                    [model.id],
                    f"{model.id}: base_model {raw!r} cannot be followed: it is {ref.problem}",
                )
            elif ref.repo_id.lower() == model.id.lower():
                self.graph.warn(
                    "self_loop", [model.id], f"{model.id} names itself as base model; ignored"
                )
            elif all(r.repo_id.lower() != ref.repo_id.lower() for r in out if r.repo_id):
                out.append(ref)
        return out

    def _link_parent(self, ref: ParentRef, child: HubModel, role: str, depth: int) -> str | None:
        """Find or fetch the parent a card names and add the edge to ``child``."""
        assert ref.repo_id is not None
        parent = self.graph.find(ref.repo_id)
        if parent is None:
            if self.graph.full:
                self.cut[child.id] = self.cut.get(child.id, 0) + 1
                return None
            parent = self._fetch_node(ref.repo_id, role, depth, child.id)
        if parent.lower() == child.id.lower():
            self.graph.warn("self_loop", [child.id], f"{child.id} names itself as base model")
            return None
        self._edge(parent, child, [Evidence("card", f"base_model: {ref.describe}")])
        return parent

    # --- descendants --------------------------------------------------------------------------
    def _descendants(self, root: str) -> None:
        frontier = [root]
        with ThreadPoolExecutor(max_workers=self.options.concurrency) as pool:
            for depth in range(1, self.options.depth + 1):
                if not frontier or self.graph.full:
                    return
                listings = pool.map(self._list, frontier)
                upcoming: list[str] = []
                for parent, (children, error) in zip(frontier, listings, strict=True):
                    if error is not None:  # warnings are written here, on one thread
                        self.graph.warn("error", [parent], f"{error}; the derivatives of "
                                        f"{parent} are missing from the graph")
                    for model in sorted(children, key=lambda m: m.id.lower()):
                        added = self._add_child(parent, model, depth)
                        if added:
                            upcoming.append(added)
                    self._report(len(frontier))
                frontier = upcoming

    def _list(self, parent: str) -> tuple[list[HubModel], HubError | None]:
        """Runs in a worker thread: fetch only, touch no shared state."""
        try:
            return self.client.children(parent), None
        except HubError as exc:
            return [], exc

    def _add_child(self, parent: str, model: HubModel, depth: int) -> str | None:
        """Place one listed child; returns its id when it is new and should be crawled."""
        if model.id.lower() == parent.lower():
            self.graph.warn("self_loop", [parent], f"{parent} names itself as base model; ignored")
            return None
        if model.downloads is not None and model.downloads < self.options.min_downloads:
            self.skipped += 1
            return None
        existing = self.graph.find(model.id)
        if existing is None and self.graph.full:
            self.cut[parent] = self.cut.get(parent, 0) + 1
            return None
        parent_ev = [Evidence("tag", f"base_model:{parent}")]
        relation = self._decision_relation(parent, model)
        if self.options.relations and relation not in self.options.relations:
            self.skipped += 1
            return None
        crawl = False
        if existing is not None and existing != model.id:
            model = replace(model, id=existing)
        if existing is None:
            self._add_model(model, "descendant", depth)
            crawl = True
        elif self.graph.nodes[existing].role == "co-parent":
            self.graph.update(existing, role="descendant", depth=depth)
            self.co_parents.pop(existing.lower(), None)
            crawl = True
        self._edge(parent, model, parent_ev)
        for ref in self._parent_refs(model):
            if ref.repo_id and ref.repo_id.lower() != parent.lower():
                self._note_co_parent(ref, model)
        return model.id if crawl else None

    def _note_co_parent(self, ref: ParentRef, child: HubModel) -> None:
        assert ref.repo_id is not None
        known = self.graph.find(ref.repo_id)
        if known is not None:
            self._edge(known, child, [Evidence("card", f"base_model: {ref.describe}")])
            return
        entry = self.co_parents.setdefault(ref.repo_id.lower(), (ref, []))
        entry[1].append(child.id)

    def _model(self, repo_id: str) -> HubModel:
        found = self.prefetched.pop(repo_id.lower(), None)
        if isinstance(found, HubError):
            raise found
        return found if found is not None else self.client.model(repo_id)

    def _try_model(self, repo_id: str) -> tuple[str, HubModel | HubError]:
        """Runs in a worker thread: fetch only."""
        try:
            return repo_id.lower(), self.client.model(repo_id)
        except HubError as exc:
            return repo_id.lower(), exc

    def _resolve_co_parents(self) -> None:
        wanted = [ref.repo_id for ref, _ in self.co_parents.values()
                  if ref.repo_id and self.graph.find(ref.repo_id) is None]
        if self.graph.full:
            wanted = []
        with ThreadPoolExecutor(max_workers=self.options.concurrency) as pool:
            self.prefetched.update(pool.map(self._try_model, sorted(wanted)))
        for key in sorted(self.co_parents):
            ref, children = self.co_parents[key]
            for child_id in children:
                child = self.models.get(child_id)
                depth = self.graph.nodes[child_id].depth - 1 if child_id in self.graph.nodes else 0
                if child is not None:
                    self._link_parent(ref, child, role="co-parent", depth=depth)

    # --- edges and relations ------------------------------------------------------------------
    def _bases(self, model: HubModel) -> set[str]:
        bases = {r.repo_id.lower() for r in map(lambda b: normalize_ref(b, self.hosts),
                                                model.card_base_models) if r.repo_id}
        for tag in model.tags:
            parts = tag.split(":")
            if parts[0] == "base_model" and len(parts) in (2, 3):
                bases.add(parts[-1].lower())
        bases.discard(model.id.lower())
        return bases

    def _claims(self, parent: str, model: HubModel) -> list[Claim]:
        claims = [c for c in [card_claim(model.card_relation)] if c]
        claims += tag_claims(model.tags, parent)
        claims += file_claims(
            model.files, model.tags, model.quant_method, model.library_name,
            n_bases=len(self._bases(model)),
        )
        claims += distillation_claims(model.tags, model.card_teachers, model.card_keywords)
        return claims

    def _decision_relation(self, parent: str, model: HubModel) -> str:
        return decide(self._claims(parent, model)).relation

    def _edge(self, parent: str, child: HubModel, parent_ev: list[Evidence]) -> None:
        claims = self._claims(parent, child)
        named = [r for r in map(lambda b: normalize_ref(b, self.hosts), child.card_base_models)
                 if r.repo_id and r.repo_id.lower() == parent.lower()]
        evidence = list(parent_ev)
        evidence += [Evidence("card", f"base_model: {r.describe}") for r in named]
        if f"base_model:{parent}".lower() in {t.lower() for t in child.tags}:
            evidence.append(Evidence("tag", f"base_model:{parent}"))
        decision = decide(claims, evidence)
        added = self.graph.add_edge(parent, child.id, decision.relation, decision.evidence)
        if added and decision.conflict:
            self.graph.warn(
                "relation_conflict",
                [child.id, parent],
                conflict_message(child.id, parent, decision, claims),
            )

    def _report(self, frontier: int) -> None:
        if self.progress is not None:
            self.progress(
                CrawlProgress(len(self.graph.nodes), self.client.calls, self.client.cache_hits,
                              frontier)
            )
