"""``run_audit``: lineage -> selection -> evaluation -> judging -> statistics -> report.

Resumable end to end: generations and verdicts live in the store, keyed by model identity,
item hash, framing, generation config and sample, so re-running the same audit after an
interruption only does what is missing. The library reports progress through a callback;
only the CLI draws it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.audit._config import AuditConfig
from auditor.audit._evaluate import Evaluator, TargetOutcome
from auditor.audit._events import AuditCallback, AuditEvent, StageTimer
from auditor.audit._selection import NotAudited, Selection, select_targets
from auditor.errors import AuditorError, UsageError
from auditor.outputs import Labelled, check_outputs, store_inputs

if TYPE_CHECKING:
    from auditor.compare import FamilyComparison
    from lineage import LineageGraph
    from reports import Report

log = logging.getLogger(__name__)

EXIT_OK, EXIT_USAGE, EXIT_FLAGGED = 0, 2, 3


@dataclass(frozen=True, slots=True)
class AuditResult:
    """The finished audit: the family's comparison, its report, where it was written, the
    exit status, timings. Verdicts and the exit status come from ``family``.

    ``failure`` says why the audit failed although a report was written (exit status 2):
    no derivative could be evaluated, with each one's reason.
    """

    family: FamilyComparison
    report: Report
    html_path: Path
    json_path: Path
    exit_code: int
    selection: Selection
    outcomes: tuple[TargetOutcome, ...]
    timings: dict[str, float] = field(default_factory=dict)
    failure: str = ""

    @property
    def counts(self) -> dict[str, int]:
        return self.family.counts()


def obtain_graph(config: AuditConfig) -> LineageGraph:
    """The family to audit: a saved lineage file, local folders, or a Hub crawl."""
    from lineage import CrawlOptions, crawl_hub, crawl_local, default_cache_dir, load_graph

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


def report_outputs(out: Path) -> list[Path]:
    """The files an audit writes: the report's, in the folder ``out``."""
    from reports import REPORT_FILES

    return [out / name for name in REPORT_FILES]


def audit_inputs(config: AuditConfig) -> list[Labelled]:
    """The files an audit reads, which its report must never replace: the store (with its
    SQLite files), the lineage file, suite files, local model files and judge agreement files.

    The store may sit in the report folder under another name (``auditor demo`` keeps
    ``demo/audit.db`` beside ``demo/report.json``): see :mod:`auditor.outputs`.
    """
    inputs = store_inputs(config.store)
    inputs.append(("the lineage file", config.lineage))
    inputs += [("a suite file", Path(s)) for s in config.suites if Path(s).is_file()]
    inputs += [("a local model", p) for p in config.local if p.is_file()]
    inputs += [("the judge agreement file", p) for p in config.judge_agreement]
    return inputs


def exit_code_for(family: FamilyComparison, fail_on: str) -> int:
    """3 when a derivative is flagged degraded (or inconclusive with ``fail_on``), else 0."""
    return EXIT_FLAGGED if family.flagged(fail_on) else EXIT_OK


def run_audit(
    config: AuditConfig,
    *,
    graph: LineageGraph | None = None,
    progress: AuditCallback | None = None,
) -> AuditResult:
    """Run the whole audit described by ``config`` (see the module docstring)."""
    from auditor.audit._signatures import with_signatures
    from auditor.compare import ComparisonPolicy, compare_family
    from auditor.judges import ActionItems, get_judge, judge_store
    from auditor.store import Store
    from reports import build_report, load_judge_agreement, runtime_build, write_report

    config.validate()
    check_outputs(report_outputs(config.out), audit_inputs(config), folders=[config.out])
    emit: AuditCallback = progress or _ignore
    timer = StageTimer()
    with timer.stage("crawl"):
        graph = graph or obtain_graph(config)
    emit(AuditEvent("crawl", f"{len(graph.nodes)} nodes, {len(graph.edges)} edges"))
    if config.verify_lineage:
        with timer.stage("verify"):
            graph = _verify_lineage(graph, emit, refresh=config.refresh)
    selection = select_targets(graph, config.selection, dict(config.overrides))
    left_out = _left_out_folders(config, graph)
    if left_out:
        selection = replace(selection, not_audited=selection.not_audited + left_out)
    if config.quantize:  # made variants join the family as derivatives of their sources
        from auditor.audit._quantized import add_quantized

        with timer.stage("quantize"):
            graph, selection = add_quantized(graph, selection, config.quantize,
                                             allow_pickle=config.backend_options.allow_pickle,
                                             emit=emit)
    emit(AuditEvent("select", f"{len(selection.targets)} models to evaluate, "
                    f"{len(selection.not_audited)} family members left out"))
    stats = config.statistics
    judge = get_judge(stats.judge, **({"rubric": stats.rubric} if stats.rubric else {}))
    # read before any model runs: a file that measures another judge stops the audit here
    agreement = [load_judge_agreement(path, judge.judge_id) for path in config.judge_agreement]
    with Store(config.store) as store:
        evaluator = Evaluator(config, store, judge, emit, timer)
        outcomes = evaluator.evaluate(selection)
        with timer.stage("judge"):
            emit(AuditEvent("judge", f"judging every response with {judge.judge_id}"))
            # the loaded items: agentic items of the user's own suite files get actions too
            judge_store(store, judge, items=ActionItems(evaluator.items))
        with timer.stage("stats"):
            emit(AuditEvent("stats", "paired comparisons across the family"))
            policy = ComparisonPolicy(alpha=stats.alpha, margin=stats.margin,
                                      seed=config.generation.seed, judge_id=judge.judge_id)
            family = compare_family(
                store,
                graph,
                policy,
                node_models=_node_models(outcomes),
                not_audited=_not_audited(selection, outcomes),
                items=evaluator.items,  # their pressure scripts (erosion)
            )
    with timer.stage("report"):
        report = build_report(
            family,
            lineage_label=str(config.lineage or "crawled for this audit"),
            build=runtime_build(libraries=_libraries_used(outcomes)),
            judge_agreement=agreement,
        )
        report = with_signatures(report, config.signing_key,
                                 reused=frozenset(o.model_key for o in outcomes if o.reused))
        html_path, json_path = write_report(report, config.out)
    emit(AuditEvent("report", f"report written to {html_path}"))
    failure = _failure(selection, outcomes)
    return AuditResult(
        family=family,
        report=report,
        html_path=html_path,
        json_path=json_path,
        exit_code=EXIT_USAGE if failure else exit_code_for(family, stats.fail_on),
        selection=selection,
        outcomes=outcomes,
        timings=dict(timer.seconds),
        failure=failure,
    )


def _verify_lineage(graph: LineageGraph, emit: AuditCallback, *, refresh: bool
                    ) -> LineageGraph:
    """Each edge checked by the weights (``--verify-lineage``); a contradicted edge is still
    compared with its claimed parent, and the report's limits say so."""
    from lineage import LineageEdge, verify_graph

    def report(done: int, total: int, edge: LineageEdge | None) -> None:
        if edge is not None:
            emit(AuditEvent("verify", f"verifying edge {done + 1}/{total}: {edge.parent} -> "
                            f"{edge.child}"))

    verified = verify_graph(graph, use_cache=not refresh, progress=report)
    contradicted = [e.child for e in verified.edges if e.verdict == "contradicted"]
    emit(AuditEvent("verify", f"{len(verified.edges)} edges checked by the weights, "
                    f"{len(contradicted)} contradicted"))
    return verified


def _failure(selection: Selection, outcomes: tuple[TargetOutcome, ...]) -> str:
    """Why the audit failed: derivatives were wanted and none could be evaluated ("" if not).

    Members left out by the selection policy were not wanted; a family of the root alone
    has nothing to fail.
    """
    derivatives = [o for o in outcomes if o.target.parent is not None]
    if any(o.model_key for o in derivatives):
        return ""
    failed = [(o.target.id, o.skipped_reason) for o in derivatives if o.skipped_reason]
    failed += [(n.id, n.reason) for n in selection.not_audited if not n.deliberate]
    if not failed:
        return ""
    listed = "; ".join(f"{node}: {reason}" for node, reason in failed[:3])
    more = f"; and {len(failed) - 3} more (see the report)" if len(failed) > 3 else ""
    return f"no derivative could be evaluated ({listed}{more})"


def _left_out_folders(config: AuditConfig, graph: LineageGraph) -> tuple[NotAudited, ...]:
    """Local folders given for the audit that the lineage left out, each with the reason.

    A folder whose README front matter is broken declares no parent, so the crawl cannot
    connect it to the root; that used to be one log line. It is a *not audited* row now.
    """
    if config.lineage is not None or not config.local:
        return ()
    present = {n.path for n in graph.nodes if n.path}
    ids = {n.id for n in graph.nodes}
    rows = []
    for given in config.local:
        path = Path(given).expanduser().resolve()
        if str(path) in present:
            continue
        reason, deliberate = _why_left_out(path, config.local, graph)
        rows.append(NotAudited(path.name if path.name not in ids else str(path), reason,
                               deliberate=deliberate))
    return tuple(rows)


def _why_left_out(
    path: Path, given: tuple[Path, ...], graph: LineageGraph
) -> tuple[str, bool]:
    from lineage import CrawlOptions, crawl_local

    try:  # the same folders seen from this one: which parents does it declare?
        own = crawl_local(list(given), root=str(path), options=CrawlOptions(depth=0))
    except AuditorError as exc:
        return f"left out of the lineage: cannot be read ({exc})", False
    parents = [p.id for p in own.parents_of(own.root)]
    if not parents:
        return (f"left out of the lineage: it declares no parent (no readable base_model in "
                f"its README front matter, no adapter_config.json, mergekit_config.yml or GGUF "
                f"source), so nothing connects it to {graph.root}"), False
    if any(graph.get(p) is not None for p in parents):
        return ("left out of the lineage: beyond the crawl's depth or node limit "
                "(--depth, --max-nodes)"), True
    return (f"left out of the lineage: its declared parent {parents[0]} is not in the "
            f"family of {graph.root}"), False


def _ignore(event: AuditEvent) -> None:
    del event


# The native library behind each backend whose build a report records.
_BACKEND_LIBRARIES = {"llamacpp": "llama_cpp", "transformers": "torch"}


def _libraries_used(outcomes: tuple[TargetOutcome, ...]) -> frozenset[str]:
    """The libraries whose builds generated this audit's answers: those of the backends that
    ran now, and all of them when some answers were reused from an earlier run (their backend
    is not known here)."""
    if any(o.reused for o in outcomes):
        return frozenset(_BACKEND_LIBRARIES.values())
    return frozenset(_BACKEND_LIBRARIES[o.summary.identity.backend] for o in outcomes
                     if o.summary is not None and o.summary.identity is not None
                     and o.summary.identity.backend in _BACKEND_LIBRARIES)


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
