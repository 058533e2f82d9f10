"""The in-toto Statement v1 of an audit: subjects are the audited weights, the predicate is
what the audit concluded about them and how (layout in docs/PROVENANCE.md, "Attestation").

Built from the validated report only: the statement says nothing the report does not.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from auditor.errors import InputError

if TYPE_CHECKING:
    from reports import ModelProvenance, Report

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
#: Our predicate type; a new layout gets a new version, never a changed meaning.
PREDICATE_TYPE = "urn:supply-chain-auditor:predicate:safety-audit:v1"
KIND_FILE = "file"
KIND_FOLDER = "folder-manifest"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def subject_name(model: ModelProvenance) -> str:
    """``<model id>/<file>`` for a weights file, ``<model id>`` for a folder's manifest."""
    return f"{model.id}/{model.file}" if model.file else model.id


def build_statement(
    report: Report, report_sha256: str, *, report_name: str, created: datetime | None = None
) -> dict[str, Any]:
    """The statement as a JSON-ready dict; ``InputError`` when no model has a digest."""
    subjects, models = _subjects(report)
    if not subjects:
        raise InputError(
            "the report records no file digest for any model (remote or Hub-only models): "
            "there is nothing to attest"
        )
    when = (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    statement = {
        "_type": STATEMENT_TYPE,
        "subject": subjects,
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "report": {
                "name": report_name,
                "digest": {"sha256": report_sha256},
                "schemaVersion": report.schema_version,
                "generatedAt": report.generated_at,
                "root": report.root,
            },
            "tool": {"name": "supply-chain-auditor", "version": report.provenance.tool_version,
                     "attestedWith": _attesting_version()},
            "suites": [{"name": s.name, "items": s.n_items, "hash": s.hash}
                       for s in report.provenance.suites],
            "judge": {"id": report.methods.judge_id,
                      "rubricHash": report.methods.judge_rubric_hash},
            "judges": [{"id": j.judge_id, "rubricHash": j.rubric_hash, "verdicts": j.n_verdicts}
                       for j in report.provenance.judges],
            "verdicts": _verdicts(report),
            "notAudited": [{"id": n.id, "reason": n.reason} for n in report.not_audited],
            "models": models,
            "created": when,
        },
    }
    _validate(statement)
    return statement


def _subjects(report: Report) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    subjects: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    models = []
    for m in report.provenance.models:
        digest = (m.file_sha256 or "").lower()
        entry: dict[str, Any] = {
            "id": m.id, "key": m.key, "reference": m.reference, "repoId": m.repo_id,
            "revision": m.revision, "file": m.file, "format": m.format,
            "subject": None,
        }
        signature = getattr(m, "signature", None)  # recorded by audits that checked one
        if signature is not None:
            entry["signature"] = signature
        if _HEX64.match(digest):
            name = subject_name(m)
            entry["subject"] = name
            if (name, digest) not in seen:
                seen.add((name, digest))
                kind = KIND_FILE if m.file else KIND_FOLDER
                subjects.append({"name": name, "digest": {"sha256": digest},
                                 "annotations": {"auditor.kind": kind}})
        else:
            entry["unattested"] = "no local file digest (remote or Hub-only model)"
        models.append(entry)
    return subjects, models


def _verdicts(report: Report) -> list[dict[str, Any]]:
    rows = []
    for d in report.derivatives:
        row: dict[str, Any] = {"model": d.id, "parent": d.parent, "relation": d.relation,
                               "verdict": d.verdict}
        if d.outcomes is not None:
            row["outcomes"] = {
                name: block.verdict
                for name, block in (("harmful", d.outcomes.harmful),
                                    ("refusal", d.outcomes.refusal))
                if block is not None
            }
        rows.append(row)
    return rows


def _attesting_version() -> str:
    from auditor import __version__

    return __version__


def _validate(statement: dict[str, Any]) -> None:
    """Check the layout with in-toto's own Statement v1 model (when installed)."""
    try:
        from google.protobuf import json_format
        from in_toto_attestation.v1 import statement_pb2
        from in_toto_attestation.v1.statement import Statement
    except ImportError:  # the filing extra is optional; our layout is tested without it too
        return
    proto = json_format.ParseDict(statement, statement_pb2.Statement())  # type: ignore[attr-defined]
    try:
        Statement.copy_from_pb(proto).validate()
    except ValueError as exc:
        raise InputError(f"the statement is not a valid in-toto Statement v1: {exc}") from None
