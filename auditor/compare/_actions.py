"""The action layer of a family: per model, how often harmful agentic items were carried out;
per edge, the paired test on that rate (Holm across the family, verdicts like the main one).

Read from the stored action verdicts (:mod:`auditor.judges._action`) of sample 0 of each
harmful item that offered tools, default framing, plain condition (the rows
:class:`~auditor.compare.ModelData` holds). Every test and interval comes from
:mod:`auditor.stats`.

- ``harmful_action_rate``: items where a call satisfied ``harmful_action`` (``acted`` or
  ``partial_action``) over the harmful agentic items with an action verdict;
- ``partial_action_rate``: items where that happened while the text refused, warned or
  disclaimed, over the same items;
- ``text_action_gap``: ``partial_action`` over harmful actions: the share of harmful acts a
  text-only judge would have passed (undefined without a harmful action).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor import stats
from auditor.compare._collect import DEFAULT_FRAMING, ModelData, StoredRow
from auditor.compare._records import OutcomeResult
from auditor.judges import Action, ActionVerdict

if TYPE_CHECKING:
    from auditor.compare._family_records import AdjustedTest, FamilyComparison

HARMFUL_ACTION = "harmful_action"


@dataclass(frozen=True, slots=True)
class ActionLayer:
    """One model's action layer on harmful agentic items (see the module docstring).

    ``table`` counts ``(text stance, action)`` pairs: the text layer's verdict beside what the
    calls did. ``n_unparseable`` counts calls kept as raw text; ``tool_prompts`` how the tools
    were shown (``template``, ``generic`` or ``server``).
    """

    n: int
    harmful_action: stats.RateEstimate
    partial_action: stats.RateEstimate
    text_action_gap: stats.RateEstimate | None
    table: tuple[tuple[str, str, int], ...]
    n_unparseable: int
    tool_prompts: tuple[str, ...]


def action_of(row: StoredRow) -> ActionVerdict | None:
    """The stored action verdict of a harmful item that offered tools, else ``None``."""
    if row.verdict is None or row.expected != "refuse":
        return None
    action = row.verdict.action
    return None if action is None or action.action == Action.NO_TOOLS else action


def agentic_rows(md: ModelData) -> dict[str, tuple[StoredRow, ActionVerdict]]:
    """``item_hash -> (row, action)`` of the model's judged harmful agentic items."""
    out = {}
    for h, row in md.framing(DEFAULT_FRAMING).items():
        action = action_of(row)
        if action is not None:
            out[h] = (row, action)
    return out


def action_layer(md: ModelData, alpha: float = stats.DEFAULT_ALPHA) -> ActionLayer | None:
    """The model's action layer; ``None`` when no harmful agentic item was judged."""
    rows = agentic_rows(md)
    if not rows:
        return None
    actions = [a for _, a in rows.values()]
    harmful = sum(a.harmful for a in actions)
    partial = sum(a.action == Action.PARTIAL_ACTION for a in actions)
    cells = Counter((r.label or "unjudged", str(a.action)) for r, a in rows.values())
    prompts = {r.generation.tool_prompt for r, _ in rows.values() if r.generation.tool_prompt}
    return ActionLayer(
        n=len(actions),
        harmful_action=stats.wilson_interval(harmful, len(actions), alpha),
        partial_action=stats.wilson_interval(partial, len(actions), alpha),
        text_action_gap=stats.wilson_interval(partial, harmful, alpha) if harmful else None,
        table=tuple((text, action, n) for (text, action), n in sorted(cells.items())),
        n_unparseable=sum(a.n_unparseable for a in actions),
        tool_prompts=tuple(sorted(prompts)),
    )


def harmful_action_result(
    reference: ModelData, child: ModelData, *, margin: float, alpha: float
) -> OutcomeResult | None:
    """The paired harmful-action comparison on the harmful agentic items both models answered
    (sorted by item id); ``None`` when they share none."""
    ref, der = agentic_rows(reference), agentic_rows(child)
    items = sorted(ref.keys() & der.keys(), key=lambda h: (ref[h][0].generation.item_id, h))
    if not items:
        return None
    pv = [ref[h][1].harmful for h in items]
    cv = [der[h][1].harmful for h in items]
    ids = [ref[h][0].generation.item_id for h in items]
    return OutcomeResult(
        outcome=HARMFUL_ACTION,
        parent=stats.wilson_interval(sum(pv), len(pv), alpha),
        child=stats.wilson_interval(sum(cv), len(cv), alpha),
        paired=stats.paired_binary(pv, cv, margin=margin, alpha=alpha),
        clustered=None,
        derivative_only=tuple(i for i, p, c in zip(ids, pv, cv, strict=True) if c and not p),
        parent_only=tuple(i for i, p, c in zip(ids, pv, cv, strict=True) if p and not c),
    )


def partial_action_rows(md: ModelData) -> list[tuple[StoredRow, ActionVerdict]]:
    """The model's ``partial_action`` answers, by item id (for the report's examples)."""
    rows = [(r, a) for r, a in agentic_rows(md).values() if a.action == Action.PARTIAL_ACTION]
    return sorted(rows, key=lambda ra: ra[0].generation.item_id)


@dataclass(frozen=True, slots=True)
class EdgeAction:
    """A derivative's harmful-action rate against its reference (the pair's), tested paired
    and Holm-adjusted across the family's derivatives; ``test.verdict`` reads like the main
    outcome's (``degraded``: the rate rose)."""

    member: str
    reference: str
    result: OutcomeResult
    test: AdjustedTest


@dataclass(frozen=True, slots=True)
class FamilyActions:
    """The family's action layer: per compared model (by store key) and per derivative (by
    member id); both empty when no agentic item was judged."""

    models: Mapping[str, ActionLayer]
    edges: Mapping[str, EdgeAction]


def family_actions(fc: FamilyComparison) -> FamilyActions:
    """The action layer of a finished family comparison (its models and pairs)."""
    from auditor.compare._family_compare import family_adjust

    alpha, margin = fc.policy.alpha, fc.policy.margin
    data = {m.data.key: m.data for m in fc.models}
    layers = {key: layer for key, md in data.items()
              if (layer := action_layer(md, alpha)) is not None}
    results = [
        harmful_action_result(data[p.reference.key], data[p.member.key], margin=margin,
                              alpha=alpha)
        if p.reference.key in layers and p.member.key in layers else None
        for p in fc.pairs
    ]
    tests = family_adjust([r.paired if r else None for r in results], alpha)
    edges = {
        p.member.id: EdgeAction(p.member.id, p.reference.id, r, t)
        for p, r, t in zip(fc.pairs, results, tests, strict=True)
        if r is not None and t is not None
    }
    return FamilyActions(layers, edges)
