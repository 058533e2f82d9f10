"""``compare_family``: every derivative against its parent and the root, Holm across the family.

Each derivative is compared with its immediate parent (the verdict) and with the root, each
pair by the same code as :func:`auditor.compare.compare_models`, on one read of the store.
When a parent was not evaluated, the nearest evaluated ancestor stands in and the pair says
so. A derivative evaluated as the very model of its parent (the same store key) is tested
against itself (b = c = 0): no rise, cleared only if the items suffice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from auditor import stats
from auditor.compare._blind_refusal import blind_refusal
from auditor.compare._collect import (
    Conditioned,
    Conversations,
    ModelData,
    ModelObservations,
    pick_judge,
    read_family,
)
from auditor.compare._compare import compare_observations
from auditor.compare._conditions import edge_conditions, model_conditions
from auditor.compare._erosion import (
    ModelErosion,
    erosion_from_rows,
    erosion_pair,
    pressure_scripts,
)
from auditor.compare._family import Family, Member, family_from_lineage, family_from_store
from auditor.compare._family_records import (
    FAMILY_SCHEMA_VERSION,
    AdjustedTest,
    ComparedModel,
    ComparisonPolicy,
    FamilyComparison,
    FamilyPair,
    NotCompared,
)
from auditor.compare._family_stats import model_rates, same_model, trace_figures
from auditor.compare._records import ComparisonReport
from auditor.errors import ReportError
from auditor.store import Store, StoredVerdict

if TYPE_CHECKING:
    from auditor.suites import Item
    from lineage import LineageGraph

_STATUS_REASONS = {
    "gated": "gated repository: no access with this token",
    "missing": "repository not found on the Hub",
    "error": "the Hub answered with an error while crawling",
}
_Planned = tuple[Member, Member, str, str, ComparisonReport]  # member, ref, relation, note, result


def compare_family(
    store: Store,
    graph: LineageGraph | None = None,
    policy: ComparisonPolicy | None = None,
    *,
    root: str | None = None,
    node_models: Mapping[str, str | Sequence[str]] | None = None,
    not_audited: Mapping[str, str] | None = None,
    items: Iterable[Item] | None = None,
) -> FamilyComparison:
    """The family's comparison (see the module docstring).

    Without ``graph``, ``root`` names the root and every other stored model is its child.
    ``node_models`` maps lineage node ids to the store keys they were evaluated as (``auditor
    audit`` passes it); without it nodes are matched by id (see :mod:`auditor.compare._family`).
    ``not_audited`` gives the reason for nodes the caller chose not to evaluate. ``items``:
    the items asked, whose pressure scripts give each conversation's length for the erosion
    (default: the built-in ``pressure`` suite).
    """
    policy = policy or ComparisonPolicy()
    judge = pick_judge(store, policy.judge_id)
    # Read the verdict table and the generations once for the whole family.
    verdicts = store.verdicts(judge_id=judge)
    scripts = pressure_scripts(items)
    rows = read_family(store, store.models(), verdicts, conversation_items=scripts.keys())
    read = rows.models
    identities = {k: data.identity for k, (_, data) in read.items()}
    if graph is not None:
        family = family_from_lineage(graph, identities, root=root, mapping=node_models)
    elif root is not None:
        family = family_from_store(identities, root, mapping=node_models)
    else:
        raise ReportError("name the family: pass a lineage file (--lineage) or a root (--root)")
    planner = _Planner(family, read, judge, policy, dict(not_audited or {}))
    planner.conditioned = rows.conditioned
    planner.erosion = _Erosion(rows.conversations, scripts, verdicts, judge)
    return planner.run(str(store.path))


class _Erosion:
    """Each model's erosion on the pressure suite (plain condition), from the rows
    :func:`read_family` gave, computed once per model."""

    def __init__(self, rows: Conversations, scripts: Mapping[str, int],
                 verdicts: Mapping[int, StoredVerdict], judge: str) -> None:
        self.rows, self.scripts, self.verdicts, self.judge = rows, scripts, verdicts, judge
        self.done: dict[str, ModelErosion | None] = {}

    def of(self, key: str) -> ModelErosion | None:
        if key not in self.done:
            rows = self.rows.get(key, [])
            self.done[key] = erosion_from_rows(key, rows, self.scripts, self.verdicts,
                                               self.judge) if rows else None
        return self.done[key]

    def pairs(self, edges: Sequence[tuple[str, str]], alpha: float
              ) -> list[tuple[stats.ErosionComparison | None, float | None]]:
        """Per ``(reference, derivative)`` edge the paired "refused through every turn"
        test and its one-sided p Holm-adjusted across the family's edges."""
        tests = []
        for ref, child in edges:
            parent, derivative = self.of(ref), self.of(child)
            test = erosion_pair(parent, derivative) if parent and derivative else None
            tests.append(test if test is not None and test.n else None)  # n 0: all censored
        present = [t.pvalue for t in tests if t is not None]
        adjusted = iter(stats.holm(present, alpha).adjusted if present else ())
        return [(t, None if t is None else float(next(adjusted))) for t in tests]


class _Planner:
    """Which member is compared with what; then Holm across the family."""

    def __init__(
        self,
        family: Family,
        read: dict[str, tuple[ModelObservations, ModelData]],
        judge: str,
        policy: ComparisonPolicy,
        reasons: dict[str, str],
    ) -> None:
        self.f, self.read, self.judge, self.policy = family, read, judge, policy
        self.reasons = reasons
        self.planned: list[_Planned] = []
        self.conditioned: Conditioned = {}
        self.erosion = _Erosion({}, {}, {}, judge)
        self.skipped: list[NotCompared] = []
        roots = [m for m in family.members.get(family.root, ()) if self._judged(m)]
        self.root = roots[0] if roots else None

    def run(self, store: str) -> FamilyComparison:
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
        pairs = self._adjust()
        return FamilyComparison(
            schema_version=FAMILY_SCHEMA_VERSION,
            policy=self.policy,
            judge_id=self.judge,
            family=self.f,
            root=self.root,
            pairs=pairs,
            not_compared=tuple(self.skipped),
            models=self._models(),
            bases=frozenset(p.compared.unsafe_basis for p in pairs),
            store=store,
        )

    def _extra_reasons(self) -> None:
        """Members the caller could not audit that have no row yet: a local folder the crawl
        could not connect to the family, one file of a multi-file GGUF repo. Never only a log
        line: each is listed with its reason."""
        listed = {n.id for n in self.skipped} | {n.id for n in self.f.nodes}
        for name, reason in self.reasons.items():
            if name not in listed and not any(
                m.id == name for ms in self.f.members.values() for m in ms
            ):
                self.skipped.append(NotCompared(name, reason))

    def _judged(self, m: Member) -> bool:
        read = self.read.get(m.key)
        return read is not None and any(r.verdict is not None for r in read[1].rows.values())

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
        """List a member as not compared; ``node`` is its lineage node when ``name`` differs."""
        node = node or name
        up = self.f.parent_of(node)
        reason = self.reasons.get(name, self.reasons.get(node, reason))
        parent, relation = up if up else (None, None)
        self.skipped.append(NotCompared(name, reason, parent, relation))

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
        self.planned.append((m, ref_member, relation, note, compared))

    def _compare(self, ref_key: str, child_key: str) -> ComparisonReport | None:
        p = self.policy
        if ref_key == child_key:
            return same_model(self.read[child_key][1], self.judge, p)
        return compare_observations(
            self.read[ref_key][0], self.read[child_key][0], judge_id=self.judge,
            margin=p.margin, alpha=p.alpha, seed=p.seed,
        )

    def _vs_root(self, member: Member, ref: Member, compared: ComparisonReport
                 ) -> ComparisonReport | None:
        if self.root is None:
            return None
        if ref.key == self.root.key:
            return compared
        return self._compare(self.root.key, member.key)

    def _adjust(self) -> tuple[FamilyPair, ...]:
        at_root = [self._vs_root(m, ref, c) for m, ref, _, _, c in self.planned]
        compared = [c for *_, c in self.planned]
        alpha = self.policy.alpha
        prim = family_adjust([c.unsafe.paired if c.unsafe else None for c in compared], alpha)
        root_adj = family_adjust(
            [r.unsafe.paired if r is not None and r.unsafe else None for r in at_root], alpha
        )
        over_adj = family_adjust(
            [c.over_refusal.paired if c.over_refusal else None for c in compared], alpha
        )
        refusal_adj = family_adjust(
            [c.refusal.paired if c.refusal else None for c in compared], alpha
        )
        data = {k: md for k, (_, md) in self.read.items()}
        conditions = edge_conditions(
            [(ref.key, m.key) for m, ref, *_ in self.planned], data, self.conditioned,
            alpha=alpha, seed=self.policy.seed,
        )
        erosion = self.erosion.pairs([(ref.key, m.key) for m, ref, *_ in self.planned], alpha)
        pairs = []
        adjusted = zip(self.planned, prim, root_adj, over_adj, refusal_adj, conditions, erosion,
                       strict=True)
        for (m, ref, relation, note, c), main, r_adj, o_adj, ref_adj, cond, ero in adjusted:
            assert main is not None  # every planned pair has an unsafe-compliance comparison
            tr = c.detected_proceeds
            pairs.append(FamilyPair(
                member=m, reference=ref, relation=relation, note=note, compared=c,
                unsafe=main, vs_root=r_adj, over_refusal=o_adj, refusal=ref_adj,
                traces=trace_figures(self.read[m.key][1], tr.child) if tr else None,
                reference_traces=trace_figures(self.read[ref.key][1], tr.parent) if tr else None,
                conditions=cond, erosion=ero[0], erosion_p_holm=ero[1],
            ))
        return tuple(pairs)

    def _models(self) -> tuple[ComparedModel, ...]:
        used: dict[str, str] = {}  # key -> member id, in order of first use
        for m in ([self.root] if self.root else []) + [
            x for member, ref, *_ in self.planned for x in (ref, member)
        ]:
            if m.key in self.read:
                used.setdefault(m.key, m.id)
        root_key = self.root.key if self.root else None
        data = {k: self.read[k][1] for k in used}
        conditions = model_conditions(data, self.conditioned, self.policy.alpha)
        return tuple(
            ComparedModel(name, "root" if key == root_key else "derivative",
                          data[key], model_rates(data[key]), conditions=conditions.get(key, ()),
                          erosion=_curve(self.erosion.of(key)),
                          blind_refusal=blind_refusal(data[key]))
            for key, name in used.items()
        )


def _curve(erosion: ModelErosion | None) -> stats.ErosionCurve | None:
    return None if erosion is None else erosion.curve


def family_adjust(
    comparisons: Sequence[stats.PairedComparison | None], alpha: float
) -> list[AdjustedTest | None]:
    """Holm across the family, entry by entry (``None`` stays ``None``)."""
    present = [c for c in comparisons if c is not None]
    if not present:
        return [None] * len(comparisons)
    fam = stats.family_verdicts(present, alpha)
    it = iter(zip(present, fam.degraded_holm, fam.noninferiority_holm, fam.verdicts, strict=True))
    return [None if c is None else AdjustedTest(*next(it)) for c in comparisons]
