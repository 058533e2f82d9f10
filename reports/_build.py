"""Build the report model from the store, the lineage graph and :mod:`auditor.stats`.

Every derivative is compared with its immediate parent (the flags, Holm across the family)
and with the root. When a parent was not evaluated, the nearest evaluated ancestor stands in
and the derivative says so. Nothing is computed here that the statistics package computes.
"""

from __future__ import annotations

import datetime as _dt
import logging
import statistics as _pystats
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from auditor import stats
from auditor.errors import ReportError
from auditor.store import Store
from reports import _compare as cmp
from reports._collect import ModelData, collect, is_over_refusal, is_unsafe
from reports._family import Family, Member, family_from_lineage, family_from_store
from reports._model import (
    DerivativeResult,
    Headline,
    JudgeAgreement,
    LineageEdge,
    LineageNode,
    LineageView,
    ModelSummary,
    NotAudited,
    PairedResult,
    Report,
)
from reports._provenance import methods, provenance

log = logging.getLogger(__name__)
_STATUS_REASONS = {
    "gated": "gated repository: no access with this token",
    "missing": "repository not found on the Hub",
    "error": "the Hub answered with an error while crawling",
}
_SEVERITY = {"degraded": 0, "inconclusive": 1, "not_degraded": 2}


@dataclass(frozen=True, slots=True)
class _Pair:
    member: Member
    ref: Member
    relation: str
    note: str
    primary: cmp.Comparison


def pick_judge(store: Store, judge_id: str | None) -> str:
    """The judge whose verdicts the report uses: the one given, or the only one stored."""
    judges = store.judges()
    if judge_id is not None:
        if judge_id not in judges:
            raise ReportError(
                f"the store has no verdicts from judge {judge_id!r} "
                f"(it has: {', '.join(judges) or 'none'}); run `auditor judge` first"
            )
        return judge_id
    if not judges:
        raise ReportError("the store has no verdicts: judge the generations first")
    if len(judges) > 1:
        raise ReportError(
            f"the store has verdicts from several judges ({', '.join(judges)}); pick one with "
            "--judge"
        )
    return judges[0]


def build_report(
    store: Store,
    lineage_graph: Any | None = None,
    *,
    root: str | None = None,
    judge_id: str | None = None,
    margin: float = stats.DEFAULT_MARGIN,
    alpha: float = stats.DEFAULT_ALPHA,
    node_models: Mapping[str, str | Sequence[str]] | None = None,
    not_audited: Mapping[str, str] | None = None,
    judge_agreement: JudgeAgreement | None = None,
    max_examples: int = 3,
    seed: int = 0,
    store_label: str | None = None,
    lineage_label: str | None = None,
    generated_at: str | None = None,
    title: str = "Safety regression audit",
) -> Report:
    """The report for one family (see the module docstring).

    ``lineage_graph`` is a :class:`lineage.LineageGraph` (or any object with its fields);
    without one, ``root`` names the root and every other stored model is its child.
    ``node_models`` maps lineage node ids to the store keys they were evaluated as (``auditor
    audit`` passes it); without it nodes are matched by id (see :mod:`reports._family`).
    ``not_audited`` gives the reason for nodes the audit chose not to evaluate.
    """
    if not 0 < alpha < 1 or not 0 < margin < 1:
        raise ReportError(f"alpha and margin must be in (0, 1); got {alpha} and {margin}")
    judge = pick_judge(store, judge_id)
    data = collect(store, store.models(), judge)
    identities = {k: md.identity for k, md in data.items()}
    if lineage_graph is not None:
        family = family_from_lineage(lineage_graph, identities, root=root, mapping=node_models)
    elif root is not None:
        family = family_from_store(identities, root, mapping=node_models)
    else:
        raise ReportError("name the family: pass a lineage file (--lineage) or a root (--root)")
    b = _Builder(family, data, judge, margin, alpha, seed, max_examples, dict(not_audited or {}))
    b.run()
    return b.report(
        generated_at=generated_at or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        title=title,
        store_label=store_label or str(store.path),
        lineage_label=lineage_label
        or ("none (family taken from the store)" if lineage_graph is None else "lineage graph"),
        agreement=judge_agreement,
    )


class _Builder:
    def __init__(
        self,
        family: Family,
        data: dict[str, ModelData],
        judge: str,
        margin: float,
        alpha: float,
        seed: int,
        max_examples: int,
        reasons: dict[str, str],
    ) -> None:
        self.f, self.data, self.judge = family, data, judge
        self.margin, self.alpha, self.seed, self.max_examples = margin, alpha, seed, max_examples
        self.reasons = reasons
        self.pairs: list[_Pair] = []
        self.skipped: list[NotAudited] = []
        self.limits: list[str] = []
        self.derivs: list[DerivativeResult] = []
        roots = family.members.get(family.root, ())
        self.root: Member | None = roots[0] if roots else None

    # -- which members are compared with what -------------------------------------------------
    def _reference(self, node: str) -> tuple[Member, str, str] | None:
        """The nearest evaluated ancestor: ``(member, relation chain, note)``."""
        chain: list[str] = []
        seen = {node}
        current = node
        while (up := self.f.parent_of(current)) is not None:
            parent, relation = up
            chain.insert(0, relation)
            members = [m for m in self.f.members.get(parent, ()) if self._judged(m)]
            if members:
                note = ""
                if len(chain) > 1:
                    note = (
                        f"Its parent was not evaluated; compared with the nearest evaluated "
                        f"ancestor {parent} (relations along the way: {' → '.join(chain)})."
                    )
                return members[0], chain[-1] if len(chain) == 1 else "+".join(chain), note
            if parent in seen:
                return None
            seen.add(parent)
            current = parent
        return None

    def _judged(self, m: Member) -> bool:
        md = self.data.get(m.key)
        return md is not None and any(r.verdict is not None for r in md.rows.values())

    def _skip(self, node: str, reason: str) -> None:
        up = self.f.parent_of(node)
        self.skipped.append(
            NotAudited(
                node, self.reasons.get(node, reason), up[0] if up else None, up[1] if up else None
            )
        )

    def run(self) -> None:
        for node in self.f.derivatives():
            if node.status != "ok":
                self._skip(node.id, _STATUS_REASONS.get(node.status, node.status))
                continue
            members = self.f.members.get(node.id, ())
            if not members:
                self._skip(node.id, "no generations in the store for this model")
                continue
            for m in members:
                self._plan(m)
        self._finish()

    def _plan(self, m: Member) -> None:
        if not self._judged(m):
            self._skip(m.id, f"generations not judged by {self.judge}: run `auditor judge`")
            return
        ref = self._reference(m.node)
        if ref is None:
            self._skip(m.id, "no evaluated parent or ancestor to compare with")
            return
        ref_member, relation, note = ref
        primary = cmp.compare(
            self.data[ref_member.key],
            self.data[m.key],
            is_unsafe,
            expected="refuse",
            margin=self.margin,
            alpha=self.alpha,
        )
        if primary is None:
            self._skip(m.id, f"no harmful item scored for both this model and {ref_member.id}")
            return
        self.pairs.append(_Pair(m, ref_member, relation, note, primary))

    # -- statistics across the family ---------------------------------------------------------
    def _finish(self) -> None:
        prim = cmp.family_adjust([p.primary for p in self.pairs], self.alpha)
        root_cmp = [self._vs_root(p) for p in self.pairs]
        root_adj = cmp.family_adjust(root_cmp, self.alpha)
        over = [
            cmp.compare(
                self.data[p.ref.key],
                self.data[p.member.key],
                is_over_refusal,
                expected="comply",
                margin=self.margin,
                alpha=self.alpha,
            )
            for p in self.pairs
        ]
        over_adj = cmp.family_adjust(over, self.alpha)
        for p, main, at_root, at_over in zip(self.pairs, prim, root_adj, over_adj, strict=True):
            assert main is not None  # every pair has a primary comparison
            root_id = self.root.id if self.root is not None else ""
            vs_root = cmp.paired_result(root_id, "unsafe_compliance", at_root) if at_root else None
            over_r = cmp.paired_result(p.ref.id, "over_refusal", at_over) if at_over else None
            primary = cmp.paired_result(p.ref.id, "unsafe_compliance", main)
            self.derivs.append(self._derivative(p, primary, vs_root, over_r))

    def _vs_root(self, p: _Pair) -> cmp.Comparison | None:
        if self.root is None:
            return None
        if p.ref.key == self.root.key:
            return p.primary
        return cmp.compare(
            self.data[self.root.key],
            self.data[p.member.key],
            is_unsafe,
            expected="refuse",
            margin=self.margin,
            alpha=self.alpha,
        )

    def _derivative(
        self, p: _Pair, r: PairedResult, vs_root: PairedResult | None, over: PairedResult | None
    ) -> DerivativeResult:
        ref, child = self.data[p.ref.key], self.data[p.member.key]
        examples, n_disc = cmp.discordant_examples(p.primary.paired, self.max_examples)
        return DerivativeResult(
            id=p.member.id,
            parent=p.ref.id,
            relation=p.relation,
            model=p.member.key,
            verdict=r.verdict,
            unsafe_rate=r.rate,
            parent_unsafe_rate=r.reference_rate,
            difference=r.difference,
            ci=r.ci,
            p_value=r.p_value,
            p_adjusted=r.p_adjusted,
            noninferiority_p=r.noninferiority_p,
            n=r.n,
            b=r.b,
            c=r.c,
            detectable_rise=r.detectable_rise,
            p_two_sided=r.p_two_sided,
            p_exact=r.p_exact,
            noninferiority_p_adjusted=r.noninferiority_p_adjusted,
            note=p.note,
            vs_root=vs_root,
            over_refusal=over,
            eval_awareness=cmp.eval_awareness(ref, child, p.ref.id, p.member.id, seed=self.seed),
            reasoning=cmp.reasoning(
                ref, child, p.ref.id, p.member.id, margin=self.margin, alpha=self.alpha
            ),
            categories=cmp.category_rows(p.primary.paired, margin=self.margin, alpha=self.alpha),
            discordant=examples,
            n_discordant=n_disc,
        )

    # -- the report -----------------------------------------------------------------------------
    def _used(self) -> list[tuple[str, ModelData]]:
        seen: dict[str, tuple[str, ModelData]] = {}
        members = ([self.root] if self.root else []) + [
            m for p in self.pairs for m in (p.ref, p.member)
        ]
        for m in members:
            if m is not None and m.key in self.data and m.key not in seen:
                seen[m.key] = (m.id, self.data[m.key])
        return list(seen.values())

    def _lineage(self) -> LineageView:
        verdict: dict[str, str] = {}
        for d in self.derivs:
            node = next(p.member.node for p in self.pairs if p.member.id == d.id)
            old = verdict.get(node)
            if old is None or _SEVERITY[d.verdict] < _SEVERITY[old]:
                verdict[node] = d.verdict
        nodes = []
        for n in self.f.nodes:
            state = (
                "root"
                if n.id == self.f.root
                else "context"
                if n.role in ("ancestor", "co-parent")
                else verdict.get(n.id, "not_audited")
            )
            nodes.append(LineageNode(n.id, n.role, n.status, n.depth, state))  # type: ignore[arg-type]
        edges = tuple(LineageEdge(a, b, r) for a, b, r in self.f.edges)
        return LineageView(self.f.source, tuple(nodes), edges, self.f.warnings)

    def _limits(self, used: list[tuple[str, ModelData]]) -> list[str]:
        out = list(self.limits)
        if any(md.n_samples > 1 for _, md in used):
            out.append(
                "Several samples per item were stored; the paired tests use the first "
                "sample of each item."
            )
        unjudged = sum(md.n_unjudged for _, md in used)
        if unjudged:
            out.append(
                f"{unjudged} generations of the compared models have no verdict from "
                f"{self.judge} and were left out."
            )
        if self.root is None:
            out.append(f"The root {self.f.root} was not evaluated: no comparison with the root.")
        out.append(
            "Errors and ungradeable responses count neither as refusals nor as "
            "compliance; items they touch are left out of that pair's test."
        )
        out.append(
            "The verdicts are as good as the judge: a judge that misreads a "
            "derivative's style can create or hide a difference."
        )
        return out

    def report(
        self,
        *,
        generated_at: str,
        title: str,
        store_label: str,
        lineage_label: str,
        agreement: JudgeAgreement | None,
    ) -> Report:
        used = self._used()
        counts = {v: sum(d.verdict == v for d in self.derivs) for v in _SEVERITY}
        ns = [d.n for d in self.derivs]
        prov = provenance(
            used, judge_id=self.judge, store_label=store_label, lineage_label=lineage_label
        )
        rubric = (
            prov.judges[0].rubric_hash
            if len(prov.judges) == 1
            else ", ".join(j.rubric_hash for j in prov.judges)
        )
        summaries = tuple(
            _summary(name, md, "root" if self.root and md.key == self.root.key else "derivative")
            for name, md in used
        )
        headline = Headline(
            root=self.f.root,
            n_family=len(self.derivs) + len(self.skipped),
            n_audited=len(self.derivs),
            n_degraded=counts["degraded"],
            n_not_degraded=counts["not_degraded"],
            n_inconclusive=counts["inconclusive"],
            n_not_audited=len(self.skipped),
            method=self._sentence(ns),
        )
        return Report(
            generated_at=generated_at,
            root=self.f.root,
            headline=headline,
            derivatives=tuple(self.derivs),
            not_audited=tuple(self.skipped),
            models=summaries,
            lineage=self._lineage(),
            methods=methods(
                alpha=self.alpha,
                margin=self.margin,
                rises=[d.detectable_rise for d in self.derivs],
                ns=ns,
                judge_id=self.judge,
                rubric_hash=rubric,
                agreement=agreement,
                suites=[s.name for s in prov.suites],
                samples_per_item=max((md.n_samples for _, md in used), default=1),
                limits=self._limits(used),
            ),
            provenance=prov,
            title=title,
        )

    def _sentence(self, ns: list[int]) -> str:
        k = len(ns)
        if not k:
            return "No derivative could be compared with a parent; see the members not audited."
        n = int(_pystats.median(ns))
        return (
            f"Each derivative answered the same harmful items as its parent ({n} items"
            f"{' at the median' if len(set(ns)) > 1 else ''}); a one-sided McNemar mid-p test, "
            f"Holm-corrected across the {k} derivative{'s' if k != 1 else ''}, flags "
            f"degradation at α = {self.alpha:g}, and only a Tango non-inferiority test at a "
            f"{self.margin * 100:g}-point margin clears a derivative as not degraded."
        )


def _summary(name: str, md: ModelData, role: str) -> ModelSummary:
    rows = list(md.framing("default").values())
    unsafe = [is_unsafe(r.expected, r.label) for r in rows if r.expected == "refuse"]
    over = [is_over_refusal(r.expected, r.label) for r in rows if r.expected == "comply"]
    u = [x for x in unsafe if x is not None]
    o = [x for x in over if x is not None]
    uw = stats.wilson_interval(sum(u), len(u)) if u else None
    ow = stats.wilson_interval(sum(o), len(o)) if o else None
    return ModelSummary(
        id=name,
        model=md.key,
        role=role,
        n_harmful=len(u),
        unsafe_rate=cmp.finite(uw.rate) if uw else None,
        unsafe_ci=cmp.interval(uw.ci) if uw else None,
        n_benign=len(o),
        over_refusal_rate=cmp.finite(ow.rate) if ow else None,
        over_refusal_ci=cmp.interval(ow.ci) if ow else None,
        n_unscored=len(rows) - len(u) - len(o),
    )
