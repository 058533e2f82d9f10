"""``auditor attest``: a signed in-toto statement of a finished report.

The report is read once, as bytes (``reports.load_report_bytes``): its digest and the validated
report the statement is built from come from the same bytes, so a file swapped between two
reads cannot be attested under the other's digest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from auditor.attest._digest import sha256_bytes
from auditor.attest._envelope import sign_statement
from auditor.attest._keys import load_signer
from auditor.attest._statement import PAYLOAD_TYPE, build_statement
from auditor.outputs import atomic_write_text
from auditor.safeio import FileKind

REPORT_FILE = FileKind("report JSON", 256 << 20)


@dataclass(frozen=True, slots=True)
class AttestResult:
    """What was written: the envelope (or bundle) path, the subjects and the report digest."""

    path: Path
    subjects: tuple[str, ...]
    unattested: tuple[str, ...]  # model ids without a local file digest
    report_sha256: str
    keyless: bool = False


def attest_report(
    report_path: str | Path,
    out: str | Path,
    *,
    key: str | Path | None = None,
    keyless: bool = False,
    created: datetime | None = None,
) -> AttestResult:
    """Sign a statement about ``report_path`` with a PEM key, or keyless with Sigstore."""
    from reports import load_report_bytes

    data, report = load_report_bytes(report_path, REPORT_FILE)
    digest = sha256_bytes(data)
    statement = build_statement(report, digest, report_name=Path(report_path).name,
                                created=created)
    subjects = tuple(s["name"] for s in statement["subject"])
    unattested = tuple(m["id"] for m in statement["predicate"]["models"] if not m["subject"])
    if keyless:
        from auditor.attest._keyless import sign_keyless

        bundle_json = sign_keyless(statement)
        atomic_write_text(out, bundle_json)
        return AttestResult(Path(out), subjects, unattested, digest, keyless=True)
    if key is None:
        from auditor.errors import UsageError

        raise UsageError("give --key KEY.pem (a PEM private key) or --keyless")
    envelope = sign_statement(statement, load_signer(key), PAYLOAD_TYPE)
    atomic_write_text(out, json.dumps(envelope, indent=2) + "\n")
    return AttestResult(Path(out), subjects, unattested, digest)
