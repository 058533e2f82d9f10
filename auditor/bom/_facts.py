"""What a BOM states about an audit, read once from the report: the same facts for every format.

The CycloneDX and SPDX writers render these records and look at nothing else, so the two
formats cannot disagree about a hash, a parent or a confidence interval. Everything here comes
from the validated report model (``reports``' public API); nothing is recomputed.

Which models: every model the report evaluated (``provenance.models``, plus any derivative or
summary whose provenance record is missing, without a hash). Their parents come from the
report's lineage edges, or from the derivative's own ``parent`` where the lineage (a report
built from a store alone) has none. A parent that was not evaluated is an ``unaudited_parent``:
named, never hashed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from auditor.errors import ReportError
from reports import DerivativeResult, ModelProvenance, ModelSummary, Report

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True, slots=True)
class Metric:
    """One measured outcome of one model; ``ci`` is the report's 95% interval, if it has one."""

    name: str
    value: float
    ci: tuple[float, float] | None
    slice: str  # what it was measured on, e.g. "112 harmful items"


@dataclass(frozen=True, slots=True)
class Parent:
    id: str
    relation: str


@dataclass(frozen=True, slots=True)
class Claim:
    """A derivative's verdict against its parent, in one sentence, with its numbers."""

    verdict: str  # degraded | not_degraded | inconclusive
    parent: str
    sentence: str
    evidence: tuple[tuple[str, str], ...]  # (name, value) pairs, values as text


@dataclass(frozen=True, slots=True)
class AuditedModel:
    id: str
    key: str
    role: str  # root | derivative | parent
    sha256: str | None
    hash_scope: str  # what the sha256 covers (a file, or a folder's manifest)
    file: str | None
    repo_id: str | None
    revision: str | None
    format: str | None
    quantization: str | None
    parents: tuple[Parent, ...]
    metrics: tuple[Metric, ...]
    claim: Claim | None


@dataclass(frozen=True, slots=True)
class Suite:
    name: str
    n_items: int
    hash: str  # sha256 over the suite's item hashes


@dataclass(frozen=True, slots=True)
class AuditFacts:
    """The whole audit as a BOM states it."""

    root: str
    title: str
    generated_at: datetime  # the report's time (UTC when it names no offset)
    tool_version: str
    report_sha256: str
    method: str
    judge_id: str
    judge_rubric_hash: str
    alpha: float
    margin: float
    limits: tuple[str, ...]
    models: tuple[AuditedModel, ...]
    unaudited_parents: tuple[str, ...]
    suites: tuple[Suite, ...]


def audit_facts(report: Report, report_sha256: str) -> AuditFacts:
    """The facts of ``report`` (whose file has digest ``report_sha256``) for a BOM."""
    provenance = _unique_provenance(report)
    summaries = {s.id: s for s in report.models}
    derivatives = {d.id: d for d in report.derivatives}
    ids = list(provenance)
    ids += [i for i in [*derivatives, *summaries] if i not in provenance and i not in ids]
    models = tuple(
        _model(i, report, provenance.get(i), summaries.get(i), derivatives.get(i)) for i in ids
    )
    audited = set(ids)
    unaudited = sorted({p.id for m in models for p in m.parents} - audited)
    m = report.methods
    return AuditFacts(
        root=report.root,
        title=report.title,
        generated_at=_timestamp(report.generated_at),
        tool_version=report.provenance.tool_version,
        report_sha256=report_sha256,
        method=report.headline.method,
        judge_id=m.judge_id,
        judge_rubric_hash=m.judge_rubric_hash,
        alpha=m.alpha,
        margin=m.margin,
        limits=m.limits,
        models=models,
        unaudited_parents=tuple(unaudited),
        suites=tuple(Suite(s.name, s.n_items, s.hash) for s in report.provenance.suites),
    )


def _unique_provenance(report: Report) -> dict[str, ModelProvenance]:
    found: dict[str, ModelProvenance] = {}
    for n, record in enumerate(report.provenance.models):
        digest = record.file_sha256
        if digest is not None and not _SHA256.fullmatch(digest):
            raise ReportError(
                f"provenance.models[{n}].file_sha256: expected 64 hex digits, got {digest[:80]!r}"
            )
        if record.id in found:
            raise ReportError(
                f"the report lists model {record.id!r} twice in provenance.models; a BOM needs "
                "one identity per model (regenerate the report with `auditor report`)"
            )
        found[record.id] = record
    return found


def _model(
    node_id: str,
    report: Report,
    record: ModelProvenance | None,
    summary: ModelSummary | None,
    derivative: DerivativeResult | None,
) -> AuditedModel:
    key = record.key if record else derivative.model if derivative else ""
    key = key or (summary.model if summary else "")
    role = summary.role if summary else "root" if node_id == report.root else "derivative"
    metrics = _rates(summary) + (_changes(derivative) if derivative else ())
    return AuditedModel(
        id=node_id,
        key=key,
        role=role,
        sha256=record.file_sha256 if record else None,
        hash_scope=_hash_scope(record),
        file=record.file if record else None,
        repo_id=record.repo_id if record else None,
        revision=record.revision if record else None,
        format=record.format if record else None,
        quantization=record.quantization if record else None,
        parents=_parents(node_id, report, derivative),
        metrics=metrics,
        claim=_claim(derivative, report) if derivative else None,
    )


def _hash_scope(record: ModelProvenance | None) -> str:
    if record is None or record.file_sha256 is None:
        return "none"
    if record.file:
        return f"the file {record.file}"
    return "the folder's manifest (every file's relative path and sha256, sorted)"


def _parents(
    node_id: str, report: Report, derivative: DerivativeResult | None
) -> tuple[Parent, ...]:
    parents = [Parent(e.parent, e.relation) for e in report.lineage.edges if e.child == node_id]
    if derivative is not None and derivative.parent not in {p.id for p in parents}:
        parents.append(Parent(derivative.parent, derivative.relation))
    unique: dict[str, Parent] = {}
    for parent in parents:
        unique.setdefault(parent.id, parent)
    return tuple(unique.values())


def _rates(summary: ModelSummary | None) -> tuple[Metric, ...]:
    if summary is None:
        return ()
    harmful = f"{summary.n_harmful} harmful items"
    benign = f"{summary.n_benign} benign items"
    candidates = [
        ("harmful_content_rate", summary.unsafe_rate, summary.unsafe_ci, harmful),
        ("refusal_rate", summary.refusal_rate, summary.refusal_ci, harmful),
        ("over_refusal_rate", summary.over_refusal_rate, summary.over_refusal_ci, benign),
    ]
    return tuple(Metric(n, v, ci, s) for n, v, ci, s in candidates if v is not None)


def _changes(d: DerivativeResult) -> tuple[Metric, ...]:
    """Paired differences against the parent (and the root), as the report computed them."""
    against = f"{d.n} paired harmful items, against {d.parent}"
    found: list[Metric] = []
    if d.difference is not None:
        found.append(Metric("harmful_content_rate_change", d.difference, d.ci, against))
    refusal = d.outcomes.refusal if d.outcomes else None
    if refusal is not None and refusal.difference is not None:
        where = f"{refusal.n} paired harmful items, against {d.parent}"
        found.append(Metric("refusal_rate_change", refusal.difference, None, where))
    over = d.over_refusal
    if over is not None and over.difference is not None:
        where = f"{over.n} paired benign items, against {over.against}"
        found.append(Metric("over_refusal_rate_change", over.difference, over.ci, where))
    root = d.vs_root
    if root is not None and root.against != d.parent and root.difference is not None:
        where = f"{root.n} paired harmful items, against the root {root.against}"
        found.append(Metric("harmful_content_rate_change_vs_root", root.difference, root.ci,
                            where))
    return tuple(found)


_WORDS = {
    "degraded": "is degraded relative to its parent",
    "not_degraded": "is not degraded relative to its parent",
    "inconclusive": "is inconclusive relative to its parent (neither a rise nor non-inferiority "
    "was shown)",
}


def _claim(d: DerivativeResult, report: Report) -> Claim:
    m = report.methods
    sentence = (
        f"{d.id} ({d.relation} of {d.parent}) {_WORDS[d.verdict]} {d.parent}: harmful content "
        f"on harmful items {_pct(d.parent_unsafe_rate)} -> {_pct(d.unsafe_rate)}"
        f"{_change(d.difference, d.ci)}, Holm-adjusted one-sided p = {_num(d.p_adjusted)}, "
        f"n = {d.n} paired items; alpha {m.alpha:g}, non-inferiority margin "
        f"{m.margin * 100:g} points."
    )
    refusal = d.outcomes.refusal if d.outcomes else None
    if refusal is not None:
        sentence += (
            f" Refusal rate {_pct(refusal.parent_rate)} -> {_pct(refusal.derivative_rate)}: "
            f"{refusal.verdict.replace('_', ' ')}."
        )
    evidence = [
        ("verdict", d.verdict), ("parent", d.parent), ("relation", d.relation),
        ("n", str(d.n)), ("b", str(d.b)), ("c", str(d.c)),
        ("parent_rate", _num(d.parent_unsafe_rate)), ("rate", _num(d.unsafe_rate)),
        ("difference", _num(d.difference)),
        ("ci", "null" if d.ci is None else f"[{d.ci[0]!r}, {d.ci[1]!r}]"),
        ("p_value", _num(d.p_value)), ("p_adjusted", _num(d.p_adjusted)),
        ("noninferiority_p_adjusted", _num(d.noninferiority_p_adjusted)),
        ("primary_test", m.primary_test), ("ci_method", m.ci_method),
        ("noninferiority_test", m.noninferiority_test),
        ("family_correction", m.family_correction),
        ("judge", f"{m.judge_id} (rubric sha256 {m.judge_rubric_hash})"),
    ]
    if refusal is not None:
        evidence += [("refusal_verdict", refusal.verdict), ("refusal_p_holm", _num(refusal.p_holm))]
    if d.note:
        evidence.append(("note", d.note))
    return Claim(d.verdict, d.parent, sentence, tuple(evidence))


def _timestamp(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ReportError(f"the report's generated_at is not an ISO 8601 time: {text!r}") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.1f}%"


def _change(diff: float | None, ci: tuple[float, float] | None) -> str:
    if diff is None:
        return ""
    text = f" ({diff * 100:+.1f} points"
    if ci is not None:
        text += f", 95% CI {ci[0] * 100:+.1f} to {ci[1] * 100:+.1f}"
    return text + ")"


def _num(x: float | None) -> str:
    return "null" if x is None else repr(float(x))
