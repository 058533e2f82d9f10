"""``auditor verify-attestation``: is the signature good, and do the report and the weights it
names still hash to what was signed?

Order matters: the payload is read only after the key verified a signature over it, so an
unsigned or re-signed statement can never make us hash, or even name, a path.

Where things are looked for: the report at ``--report``, else the file the statement names
(``predicate.report.name``, a bare file name) in the attestation's folder; a subject at its
model's ``--model-dir ID=PATH``, else at the model's local reference as the report recorded
it. What cannot be found is listed as "not checked", which does not fail the verification;
what is found and differs does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from auditor.attest._digest import sha256_bytes, sha256_file, sha256_folder
from auditor.attest._envelope import read_envelope, signature_verifies
from auditor.attest._keys import load_public_key
from auditor.attest._statement import KIND_FOLDER, PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE
from auditor.errors import InputError, UsageError
from auditor.safeio import parse_json, path_exists, read_bytes

Status = Literal["ok", "changed", "missing", "invalid", "not checked"]
FAILING: frozenset[str] = frozenset({"changed", "missing", "invalid"})


@dataclass(frozen=True, slots=True)
class Check:
    """One thing verified: ``what`` (signature, report, or a subject name), its status, why."""

    what: str
    status: Status
    detail: str = ""


@dataclass(frozen=True, slots=True)
class VerificationResult:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """True when the signature verified and nothing found differs."""
        return not any(c.status in FAILING for c in self.checks)


def verify_attestation(
    attestation: str | Path,
    key: str | Path,
    *,
    report: str | Path | None = None,
    model_dirs: Mapping[str, str | Path] | None = None,
) -> VerificationResult:
    """Verify an envelope written by :func:`auditor.attest.attest_report`."""
    from auditor.attest._attest import REPORT_FILE

    public = load_public_key(key)
    payload, payload_type, signatures = read_envelope(attestation)
    if not signature_verifies(payload, payload_type, signatures, public):
        return VerificationResult((Check("signature", "invalid",
                                         f"no signature verifies with {key}"),))
    checks = [Check("signature", "ok", f"verified with {key} (keyid {public.keyid[:16]})")]
    predicate, subjects = _statement(payload, payload_type, attestation)
    recorded = predicate["report"]["digest"]["sha256"]
    report_path = Path(report) if report is not None else _default_report(attestation, predicate)
    if report_path is None:
        checks.append(Check("report", "not checked",
                            "no report beside the attestation; pass --report"))
    elif report is None and not path_exists(report_path):
        checks.append(Check("report", "not checked", f"{report_path} not found"))
    else:
        now = sha256_bytes(read_bytes(report_path, REPORT_FILE))
        checks.append(Check("report", "ok" if now == recorded else "changed",
                            f"{report_path}: sha256 {now}" + ("" if now == recorded
                                                              else f", signed {recorded}")))
    models = {m["subject"]: m for m in predicate["models"] if isinstance(m, dict)
              and isinstance(m.get("subject"), str)}
    dirs = {k: Path(v) for k, v in (model_dirs or {}).items()}
    unknown = sorted(set(dirs) - {m["id"] for m in models.values()})
    if unknown:
        raise UsageError(f"--model-dir names models this attestation does not cover: "
                         f"{', '.join(unknown)}")
    checks += [_check_subject(s, models.get(s["name"]), dirs) for s in subjects]
    return VerificationResult(tuple(checks))


def _statement(payload: bytes, payload_type: str, where: str | Path
               ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if payload_type != PAYLOAD_TYPE:
        raise InputError(f"{where}: payloadType {payload_type!r} is not {PAYLOAD_TYPE}")
    statement = parse_json(payload, f"{where} (payload)")
    ok = (isinstance(statement, dict) and statement.get("_type") == STATEMENT_TYPE
          and statement.get("predicateType") == PREDICATE_TYPE)
    if not ok:
        raise InputError(f"{where}: not an in-toto Statement v1 with predicateType "
                         f"{PREDICATE_TYPE}")
    predicate, subjects = statement.get("predicate"), statement.get("subject")
    try:
        assert isinstance(predicate, dict) and isinstance(subjects, list)
        assert isinstance(predicate["report"]["digest"]["sha256"], str)
        assert isinstance(predicate["models"], list)
        assert all(isinstance(s, dict) and isinstance(s.get("name"), str)
                   and isinstance(s.get("digest"), dict) for s in subjects)
    except (AssertionError, KeyError, TypeError):
        raise InputError(f"{where}: the statement's predicate or subjects are malformed"
                         ) from None
    return predicate, subjects


def _default_report(attestation: str | Path, predicate: dict[str, Any]) -> Path | None:
    name = predicate["report"].get("name")
    if not isinstance(name, str) or not name:
        return None
    return Path(attestation).parent / Path(name).name  # a bare name: never a path elsewhere


def _check_subject(subject: dict[str, Any], model: dict[str, Any] | None,
                   dirs: Mapping[str, Path]) -> Check:
    name = subject["name"]
    signed = subject["digest"].get("sha256")
    if model is None or not isinstance(signed, str):
        return Check(name, "not checked", "no sha256 digest or model entry for this subject")
    folder_kind = (subject.get("annotations") or {}).get("auditor.kind") == KIND_FOLDER
    base = dirs.get(model["id"])
    if base is None:
        reference = model.get("reference")
        if not isinstance(reference, str) or not path_exists(reference):
            return Check(name, "not checked", f"give --model-dir {model['id']}=PATH")
        base = Path(reference)
    target = _target(base, model.get("file"), folder_kind)
    if folder_kind:
        if not target.is_dir():
            return Check(name, "missing", f"{target} is not a folder")
        now = sha256_folder(target)
    else:
        if not target.is_file():
            return Check(name, "missing", f"{target} not found")
        now = sha256_file(target)
    if now == signed:
        return Check(name, "ok", f"{target}: sha256 {now}")
    return Check(name, "changed", f"{target}: sha256 {now}, signed {signed}")


def _target(base: Path, file: object, folder_kind: bool) -> Path:
    """The weights a subject names: the folder itself, or its file inside (or ``base``)."""
    if folder_kind or not isinstance(file, str) or base.is_file():
        return base
    relative = PurePosixPath(file)
    if relative.is_absolute() or ".." in relative.parts:  # stay inside the folder given
        return base / relative.name
    return base / relative
