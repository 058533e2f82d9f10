"""Build the report model from a finished :class:`auditor.compare.FamilyComparison`.

The comparison (every derivative against its parent and the root, Holm across the family)
is :func:`auditor.compare.compare_family`'s; this module copies its results into the report
model, picks the discordant examples to show, and adds what only a report carries (title,
labels, provenance). It reads no store and computes no statistic.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Sequence

from auditor.compare import FamilyComparison, FamilyPair, ModelData, NotCompared
from reports import _compare as cmp
from reports._actions import with_action_layer
from reports._assemble import assemble, outcome_from
from reports._beyond_build import condition_change, erosion_change
from reports._model import (
    DerivativeResult,
    JudgeAgreement,
    NotAudited,
    Outcomes,
    Report,
)
from reports._provenance_model import RuntimeBuild

log = logging.getLogger(__name__)


def build_report(
    family: FamilyComparison,
    *,
    judge_agreement: JudgeAgreement | Sequence[JudgeAgreement] | None = None,
    max_examples: int = 3,
    store_label: str | None = None,
    lineage_label: str | None = None,
    generated_at: str | None = None,
    title: str = "Safety regression audit",
    build: RuntimeBuild | None = None,
) -> Report:
    """The report of one family comparison (see the module docstring).

    ``store_label`` and ``lineage_label`` say where the results and the family came from
    (default: the store's path, and the family's source);
    ``build`` (:func:`reports.runtime_build`) records how the native libraries that
    generated were built: pass it only from the process that ran the backends.
    ``judge_agreement`` is the judge's measured agreement, one per dimension (stance, harm).
    """
    out = outcome_from(family)
    out.skipped.extend(_not_audited(n) for n in family.not_compared)
    data = {m.data.key: m.data for m in family.models}
    root_id = family.root.id if family.root is not None else ""
    for p in family.pairs:
        out.derivatives.append((p.member, _derivative(p, data, root_id, max_examples)))
    report = assemble(
        out,
        family.models,
        generated_at=generated_at or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        title=title,
        store_label=store_label or family.store,
        lineage_label=lineage_label
        or ("none (family taken from the store)" if family.family.source == "store"
            else "lineage graph"),
        agreement=(judge_agreement,) if isinstance(judge_agreement, JudgeAgreement)
        else tuple(judge_agreement or ()),
        build=build,
    )
    return with_action_layer(report, family, max_examples)


def _not_audited(n: NotCompared) -> NotAudited:
    return NotAudited(n.id, n.reason, n.parent, n.relation)


def _derivative(
    p: FamilyPair, data: dict[str, ModelData], root_id: str, max_examples: int
) -> DerivativeResult:
    c = p.compared
    r = cmp.paired_result(p.reference.id, "unsafe_compliance", p.unsafe)
    vs_root = (
        cmp.paired_result(root_id, "unsafe_compliance", p.vs_root) if p.vs_root else None
    )
    over = cmp.paired_result(p.reference.id, "over_refusal", p.over_refusal) \
        if p.over_refusal else None
    examples, n_disc = cmp.examples_for(
        data[p.reference.key], data[p.member.key], max_examples
    )
    return DerivativeResult(
        id=p.member.id,
        parent=p.reference.id,
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
        eval_awareness=cmp.eval_awareness(c.awareness, p.reference.id, p.member.id),
        reasoning=cmp.reasoning(
            c.detected_proceeds, p.traces, p.reference_traces, p.reference.id, p.member.id
        ),
        categories=cmp.category_rows(c.categories),
        shift_p=cmp.finite(c.shift.stuart_maxwell.pvalue) if c.shift else None,
        clustered=cmp.clustered(c.unsafe.clustered if c.unsafe else None),
        shift_table=c.shift.stuart_maxwell.table if c.shift else (),
        discordant=examples,
        n_discordant=n_disc,
        outcomes=Outcomes(
            harmful=cmp.outcome_block(c.unsafe, p.unsafe, c.unsafe_basis),
            refusal=cmp.outcome_block(c.refusal, p.refusal, "stance"),
        ),
        conditions=tuple(condition_change(e) for e in p.conditions),
        erosion=erosion_change(p.erosion, p.erosion_p_holm),
    )
