"""``run_audit``: lineage -> selection -> evaluation -> judging -> statistics -> report.

Resumable end to end: generations and verdicts live in the store, keyed by model identity,
item hash, framing, generation config and sample, so re-running the same audit after an
interruption only does what is missing. The library reports progress through a callback;
only the CLI draws it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.audit._config import AuditConfig
from auditor.audit._evaluate import Evaluator, TargetOutcome
from auditor.audit._events import AuditCallback, AuditEvent, StageTimer
from auditor.audit._selection import Selection, select_targets
from auditor.errors import UsageError

if TYPE_CHECKING:
    from lineage import LineageGraph
    from reports import Report

log = logging.getLogger(__name__)

EXIT_OK, EXIT_USAGE, EXIT_FLAGGED = 0, 2, 3


@dataclass(frozen=True, slots=True)
class AuditResult:
    """The finished audit: the report, where it was written, the exit status, timings."""

    report: Report
    html_path: Path
    json_path: Path
    exit_code: int
    selection: Selection
    outcomes: tuple[TargetOutcome, ...]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"degraded": 0, "not_degraded": 0, "inconclusive": 0}
        for d in self.report.derivatives:
            counts[str(d.verdict)] = counts.get(str(d.verdict), 0) + 1
        return counts


def obtain_graph(config: AuditConfig) -> LineageGraph:
    """The family to audit: a saved lineage file, local folders, or a Hub crawl."""
    from lineage import CrawlOptions, crawl_hub, crawl_local, load_graph
    from lineage._cache import default_cache_dir

    if config.lineage is not None:
        graph = load_graph(config.lineage)
    elif config.local:
        graph = crawl_local(list(config.local), root=config.root or None)
    else:
        options = CrawlOptions(
            depth=config.depth,
            max_nodes=config.max_nodes,
            ancestors=False,
            cache_dir=default_cache_dir(),
            refresh=config.refresh,
        )
        graph = crawl_hub(config.root, options)
    if config.root and graph.root.lower() != config.root.lower():
        raise UsageError(f"the lineage's root is {graph.root}, not {config.root}")
    return graph


def exit_code_for(report: Report, fail_on: str) -> int:
    """3 when a derivative is flagged degraded (or inconclusive with ``fail_on``), else 0."""
    failing = {"degraded"} if fail_on == "degraded" else {"degraded", "inconclusive"}
    return EXIT_FLAGGED if any(str(d.verdict) in failing for d in report.derivatives) else EXIT_OK


def run_audit(
    config: AuditConfig,
    *,
    graph: LineageGraph | None = None,
    progress: AuditCallback | None = None,
) -> AuditResult:
    """Run the whole audit described by ``config`` (see the module docstring)."""
    from auditor.judges import get_judge, judge_store
    from auditor.store import Store
    from reports import build_report, write_report

    config.validate()
    emit: AuditCallback = progress or _ignore
    timer = StageTimer()
    with timer.stage("crawl"):
        graph = graph or obtain_graph(config)
    emit(AuditEvent("crawl", f"{len(graph.nodes)} nodes, {len(graph.edges)} edges"))
    selection = select_targets(graph, config.selection, dict(config.overrides))
    emit(AuditEvent("select", f"{len(selection.targets)} models to evaluate, "
                    f"{len(selection.not_audited)} family members left out"))
    judge = get_judge(config.judge)
    with Store(config.store) as store:
        evaluator = Evaluator(config, store, judge, emit, timer)
        outcomes = evaluator.evaluate(selection)
        with timer.stage("judge"):
            emit(AuditEvent("judge", f"judging every response with {judge.judge_id}"))
            judge_store(store, judge)
        with timer.stage("stats"):
            emit(AuditEvent("stats", "paired comparisons across the family"))
            report = build_report(
                store,
                graph,
                judge_id=judge.judge_id,
                margin=config.margin,
                alpha=config.alpha,
                node_models=_node_models(outcomes),
                not_audited=_not_audited(selection, outcomes),
                seed=config.seed,
                lineage_label=str(config.lineage or "crawled for this audit"),
            )
    with timer.stage("report"):
        html_path, json_path = write_report(report, config.out)
    emit(AuditEvent("report", f"report written to {html_path}"))
    return AuditResult(
        report=report,
        html_path=html_path,
        json_path=json_path,
        exit_code=exit_code_for(report, config.fail_on),
        selection=selection,
        outcomes=outcomes,
        timings=dict(timer.seconds),
    )


def _ignore(event: AuditEvent) -> None:
    del event


def _node_models(outcomes: tuple[TargetOutcome, ...]) -> dict[str, list[str]]:
    mapping: dict[str, list[str]] = {}
    for o in outcomes:
        if o.model_key:
            mapping.setdefault(o.target.node_id, []).append(o.model_key)
    return mapping


def _not_audited(selection: Selection, outcomes: tuple[TargetOutcome, ...]) -> dict[str, str]:
    reasons = {n.id: n.reason for n in selection.not_audited}
    for o in outcomes:
        if o.skipped_reason:
            reasons[o.target.id] = o.skipped_reason
    return reasons
