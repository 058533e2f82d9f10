"""Build the report model from the store, the lineage graph and ``auditor.compare``.

Every derivative is compared with its immediate parent (the flags, Holm across the family)
and with the root, each pair by :func:`auditor.compare.compare_models`, so the report shows
the same numbers as ``auditor compare``. When a parent was not evaluated, the nearest
evaluated ancestor stands in and the derivative says so.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from auditor import stats
from auditor.compare import ComparisonReport, pick_judge
from auditor.errors import ReportError
from auditor.store import Store, StoredVerdict
from reports import _compare as cmp
from reports._assemble import Outcome, assemble
from reports._collect import ModelData, collect
from reports._family import Family, Member, family_from_lineage, family_from_store
from reports._model import (
    DerivativeResult,
    JudgeAgreement,
    NotAudited,
    Outcomes,
    PairedResult,
    Report,
)
from reports._provenance_model import (
    RuntimeBuild,
)

log = logging.getLogger(__name__)
_STATUS_REASONS = {
    "gated": "gated repository: no access with this token",
    "missing": "repository not found on the Hub",
    "error": "the Hub answered with an error while crawling",
}


@dataclass(frozen=True, slots=True)
class _Pair:
    member: Member
    ref: Member
    relation: str
    note: str
    compared: ComparisonReport  # against the reference (immediate parent or nearest ancestor)


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
    judge_agreement: JudgeAgreement | Sequence[JudgeAgreement] | None = None,
    max_examples: int = 3,
    seed: int = 0,
    store_label: str | None = None,
    lineage_label: str | None = None,
    generated_at: str | None = None,
    title: str = "Safety regression audit",
    build: RuntimeBuild | None = None,
) -> Report:
    """The report for one family (see the module docstring).

    ``lineage_graph`` is a :class:`lineage.LineageGraph` (or any object with its fields);
    without one, ``root`` names the root and every other stored model is its child.
    ``node_models`` maps lineage node ids to the store keys they were evaluated as (``auditor
    audit`` passes it); without it nodes are matched by id (see :mod:`reports._family`).
    ``not_audited`` gives the reason for nodes the audit chose not to evaluate.
    ``build`` (:func:`reports.runtime_build`) records how the native libraries that
    generated were built; pass it only from the process that ran the backends.
    ``judge_agreement`` is the judge's measured agreement, one per dimension (stance, harm).
    """
    if not 0 < alpha < 1 or not 0 < margin < 1:
        raise ReportError(f"alpha and margin must be in (0, 1); got {alpha} and {margin}")
    judge = pick_judge(store, judge_id)
    # Read the verdict table once for the whole family: per pair it took most of the build.
    verdicts = store.verdicts(judge_id=judge)
    data = collect(store, store.models(), judge, verdicts=verdicts)
    identities = {k: md.identity for k, md in data.items()}
    if lineage_graph is not None:
        family = family_from_lineage(lineage_graph, identities, root=root, mapping=node_models)
    elif root is not None:
        family = family_from_store(identities, root, mapping=node_models)
    else:
        raise ReportError("name the family: pass a lineage file (--lineage) or a root (--root)")
    builder = _Builder(
        store, family, data, verdicts, judge, margin, alpha, seed, dict(not_audited or {})
    )
    outcome = builder.run(max_examples)
    return assemble(
        outcome,
        generated_at=generated_at or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        title=title,
        store_label=store_label or str(store.path),
        lineage_label=lineage_label
        or ("none (family taken from the store)" if lineage_graph is None else "lineage graph"),
        agreement=(judge_agreement,) if isinstance(judge_agreement, JudgeAgreement)
        else tuple(judge_agreement or ()),
        build=build,
    )


class _Builder:
    def __init__(
        self,
        store: Store,
        family: Family,
        data: dict[str, ModelData],
        verdicts: Mapping[int, StoredVerdict],
        judge: str,
        margin: float,
        alpha: float,
        seed: int,
        reasons: dict[str, str],
    ) -> None:
        self.store, self.f, self.data, self.judge = store, family, data, judge
        self.verdicts = verdicts
        self.opts = {"judge": judge, "margin": margin, "alpha": alpha, "seed": seed}
        self.reasons = reasons
        self.pairs: list[_Pair] = []
        roots = [m for m in family.members.get(family.root, ()) if self._judged(m)]
        self.out = Outcome(family, judge, margin, alpha, roots[0] if roots else None)

    def run(self, max_examples: int) -> Outcome:
        for node in self.f.derivatives():
            if node.status != "ok":
                self._skip(node.id, _STATUS_REASONS.get(node.status, node.status))
                continue
            members = self.f.members.get(node.id, ())
            if not members:
                self._skip(node.id, "no generations in the store for this model")
            for m in members:
                self._plan(m)
        self._extra_reasons()
        self._finish(max_examples)
        return self.out

    def _extra_reasons(self) -> None:
        """Members the caller could not audit that have no row yet: a local folder the crawl
        could not connect to the family, one file of a multi-file GGUF repo. Never only a log
        line: each is listed with its reason."""
        listed = {n.id for n in self.out.skipped} | {n.id for n in self.f.nodes}
        for name, reason in self.reasons.items():
            if name not in listed and not any(m.id == name for ms in self.f.members.values()
                                              for m in ms):
                self.out.skipped.append(NotAudited(name, reason))

    # -- which members are compared with what -------------------------------------------------
    def _judged(self, m: Member) -> bool:
        md = self.data.get(m.key)
        return md is not None and any(r.verdict is not None for r in md.rows.values())

    def _reference(self, node: str) -> tuple[Member, str, str] | None:
        """The nearest evaluated ancestor: ``(member, relation(s), note)``."""
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
                        "Its parent was not evaluated; compared with the nearest evaluated "
                        f"ancestor {parent} (relations along the way: {' → '.join(chain)})."
                    )
                return members[0], "+".join(chain), note
            if parent in seen:
                return None
            seen.add(parent)
            current = parent
        return None

    def _skip(self, name: str, reason: str, node: str | None = None) -> None:
        """List a member as not audited; ``node`` is its lineage node when ``name`` differs."""
        node = node or name
        up = self.f.parent_of(node)
        reason = self.reasons.get(name, self.reasons.get(node, reason))
        parent, relation = up if up else (None, None)
        self.out.skipped.append(NotAudited(name, reason, parent, relation))

    def _plan(self, m: Member) -> None:
        if not self._judged(m):
            self._skip(m.id, f"generations not judged by {self.judge}: run `auditor judge`", m.node)
            return
        ref = self._reference(m.node)
        if ref is None:
            self._skip(m.id, "no evaluated parent or ancestor to compare with", m.node)
            return
        ref_member, relation, note = ref
        compared = self._compare(ref_member.key, m.key)
        if compared is None or compared.unsafe is None:
            reason = f"no harmful item scored for both this model and {ref_member.id}"
            self._skip(m.id, reason, m.node)
            return
        self.pairs.append(_Pair(m, ref_member, relation, note, compared))

    # -- statistics across the family ---------------------------------------------------------
    def _vs_root(self, p: _Pair) -> ComparisonReport | None:
        root = self.out.root
        if root is None:
            return None
        if p.ref.key == root.key:
            return p.compared
        return self._compare(root.key, p.member.key)

    def _compare(self, ref_key: str, child_key: str) -> ComparisonReport | None:
        if ref_key == child_key:
            return cmp.same_model(self.data[child_key], **self.opts)  # type: ignore[arg-type]
        return cmp.run_pair(
            self.store,
            ref_key,
            child_key,
            verdicts=self.verdicts,
            **self.opts,  # type: ignore[arg-type]
        )

    def _finish(self, max_examples: int) -> None:
        alpha = self.out.alpha
        at_root = [self._vs_root(p) for p in self.pairs]
        prim = cmp.family_adjust(
            [p.compared.unsafe.paired if p.compared.unsafe else None for p in self.pairs], alpha
        )
        root_adj = cmp.family_adjust(
            [r.unsafe.paired if r is not None and r.unsafe else None for r in at_root], alpha
        )
        over_adj = cmp.family_adjust(
            [
                p.compared.over_refusal.paired if p.compared.over_refusal else None
                for p in self.pairs
            ],
            alpha,
        )
        refusal_adj = cmp.family_adjust(
            [p.compared.refusal.paired if p.compared.refusal else None for p in self.pairs],
            alpha,
        )
        root_id = self.out.root.id if self.out.root is not None else ""
        adjusted = zip(self.pairs, prim, root_adj, over_adj, refusal_adj, strict=True)
        for p, main, r_adj, o_adj, ref_adj in adjusted:
            assert main is not None  # every planned pair has an unsafe-compliance comparison
            primary = cmp.paired_result(p.ref.id, "unsafe_compliance", main)
            vs_root = cmp.paired_result(root_id, "unsafe_compliance", r_adj) if r_adj else None
            over = cmp.paired_result(p.ref.id, "over_refusal", o_adj) if o_adj else None
            outcomes = Outcomes(
                harmful=cmp.outcome_block(p.compared.unsafe, main, p.compared.unsafe_basis),
                refusal=cmp.outcome_block(p.compared.refusal, ref_adj, "stance"),
            )
            derivative = self._derivative(p, primary, vs_root, over, max_examples)
            self.out.derivatives.append((p.member, replace(derivative, outcomes=outcomes)))
            self.out.bases.add(p.compared.unsafe_basis)
        if self.out.root is not None:
            self._use(self.out.root)
        for p in self.pairs:
            self._use(p.ref)
            self._use(p.member)

    def _use(self, m: Member) -> None:
        if m.key in self.data:
            self.out.used.setdefault(m.key, (m.id, self.data[m.key]))

    def _derivative(
        self,
        p: _Pair,
        r: PairedResult,
        vs_root: PairedResult | None,
        over: PairedResult | None,
        max_examples: int,
    ) -> DerivativeResult:
        ref, child = self.data[p.ref.key], self.data[p.member.key]
        examples, n_disc = cmp.examples_for(ref, child, max_examples)
        c = p.compared
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
            note=" ".join(x for x in (p.note, *c.notes) if x),
            vs_root=vs_root,
            over_refusal=over,
            eval_awareness=cmp.eval_awareness(c.awareness, p.ref.id, p.member.id),
            reasoning=cmp.reasoning(c.detected_proceeds, ref, child, p.ref.id, p.member.id),
            categories=cmp.category_rows(c.categories),
            shift_p=cmp.finite(c.shift.stuart_maxwell.pvalue) if c.shift else None,
            clustered=cmp.clustered(c.unsafe.clustered if c.unsafe else None),
            shift_table=c.shift.stuart_maxwell.table if c.shift else (),
            discordant=examples,
            n_discordant=n_disc,
        )
