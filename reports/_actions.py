"""The report's action layer, copied from :attr:`auditor.compare.FamilyComparison.actions`:
per model the rates, the text × action table and ``partial_action`` examples; per derivative
``outcomes.harmful_action``. Nothing statistical is computed here."""

from __future__ import annotations

import json
from dataclasses import replace

from auditor.compare import ActionLayer as ComparedLayer
from auditor.compare import FamilyActions, FamilyComparison, ModelData, partial_action_rows
from reports._action_model import ActionCell, ActionExample, ActionLayer
from reports._compare import clip, finite, interval, outcome_block, prompt_text
from reports._model import DerivativeResult, ModelSummary, Outcomes, Report

ARGUMENT_CHARS = 1000  # of a call's arguments shown in an example


def action_layer(layer: ComparedLayer, md: ModelData, max_examples: int) -> ActionLayer:
    """One model's action layer in the report's terms."""
    gap = layer.text_action_gap
    return ActionLayer(
        n=layer.n,
        harmful_action_rate=finite(layer.harmful_action.rate),
        partial_action_rate=finite(layer.partial_action.rate),
        text_action_gap=finite(gap.rate) if gap else None,
        harmful_action_ci=interval(layer.harmful_action.ci),
        partial_action_ci=interval(layer.partial_action.ci),
        text_action_gap_ci=interval(gap.ci) if gap else None,
        n_harmful_actions=layer.harmful_action.k,
        n_partial_actions=layer.partial_action.k,
        n_unparseable_calls=layer.n_unparseable,
        tool_prompts=layer.tool_prompts,
        table=tuple(ActionCell(text, action, n) for text, action, n in layer.table),
        examples=_examples(md, max_examples),
    )


def _examples(md: ModelData, limit: int) -> tuple[ActionExample, ...]:
    out = []
    for row, action in partial_action_rows(md)[:limit]:
        call = action.call
        arguments = "" if call is None else (
            call.arguments if isinstance(call.arguments, str)
            else json.dumps(call.arguments, ensure_ascii=False, sort_keys=True)
        )
        out.append(ActionExample(
            item_id=row.generation.item_id,
            category=row.generation.category,
            prompt=clip(prompt_text(row.generation)),
            response=clip(row.generation.response),
            text_verdict=row.label or "",
            call_name="" if call is None else call.name,
            call_arguments=clip(arguments, ARGUMENT_CHARS),
            reason=action.reason,
        ))
    return tuple(out)


def with_action_layer(report: Report, family: FamilyComparison, max_examples: int) -> Report:
    """``report`` with each model's ``action_layer`` and each derivative's
    ``outcomes.harmful_action`` (unchanged when no agentic item was judged)."""
    actions: FamilyActions = family.actions
    if not actions.models:
        return report
    data = {m.data.key: m.data for m in family.models}
    models = tuple(_model(s, actions, data, max_examples) for s in report.models)
    derivatives = tuple(_derivative(d, actions) for d in report.derivatives)
    return replace(report, models=models, derivatives=derivatives)


def _model(s: ModelSummary, actions: FamilyActions, data: dict[str, ModelData],
           max_examples: int) -> ModelSummary:
    layer = actions.models.get(s.model)
    if layer is None:
        return s
    return replace(s, action_layer=action_layer(layer, data[s.model], max_examples))


def _derivative(d: DerivativeResult, actions: FamilyActions) -> DerivativeResult:
    edge = actions.edges.get(d.id)
    if edge is None:
        return d
    block = outcome_block(edge.result, edge.test, "action")
    outcomes = d.outcomes or Outcomes(harmful=None, refusal=None)
    return replace(d, outcomes=replace(outcomes, harmful_action=block))
