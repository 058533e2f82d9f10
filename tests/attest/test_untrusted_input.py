"""Envelopes and reports are untrusted files: every malformed one is one clear error (exit 2),
and the verifier's folder digest is the one the evaluation recorded."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from auditor.attest import attest_report, verify_attestation
from auditor.attest._digest import sha256_folder
from auditor.errors import InputError
from auditor.refs import folder_sha256
from tests.attest.conftest import AuditedFamily
from tests.cli._run import auditor

_B64 = base64.b64encode(b"{}").decode()


@pytest.mark.parametrize("envelope", [
    "[]",
    "not json",
    json.dumps({"payload": 3, "payloadType": "x", "signatures": [{"sig": _B64}]}),
    json.dumps({"payload": "%%%", "payloadType": "x", "signatures": [{"sig": _B64}]}),
    json.dumps({"payload": _B64, "payloadType": "x", "signatures": []}),
    json.dumps({"payload": _B64, "payloadType": "x", "signatures": ["a"]}),
    json.dumps({"mediaType": "bundle", "dsseEnvelope": {}}),
])
def test_malformed_envelopes(envelope: str, tmp_path: Path, key_pairs) -> None:
    path = tmp_path / "a.json"
    path.write_text(envelope)
    with pytest.raises(InputError):
        verify_attestation(path, key_pairs["ed25519"][1])


def test_malformed_envelope_through_the_cli(tmp_path: Path, key_pairs) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"payload": 1}')
    done = auditor("verify-attestation", str(path), "--key", str(key_pairs["ed25519"][1]))
    assert done.returncode == 2 and "error:" in done.stderr and "Traceback" not in done.stderr


def test_report_without_any_digest_is_refused(audited_family: AuditedFamily, key_pairs,
                                              tmp_path: Path) -> None:
    data = json.loads(audited_family.report.read_text())
    for model in data["provenance"]["models"]:
        model["file_sha256"] = None
    report = tmp_path / "report.json"
    report.write_text(json.dumps(data))
    with pytest.raises(InputError, match="nothing to attest"):
        attest_report(report, tmp_path / "a.json", key=key_pairs["ed25519"][0])
    assert not (tmp_path / "a.json").exists()


def test_invalid_report_is_exit_2(tmp_path: Path, key_pairs) -> None:
    report = tmp_path / "report.json"
    report.write_text('{"schema_version": 2, "root": 5}')
    done = auditor("attest", str(report), "--key", str(key_pairs["ed25519"][0]),
                   "--out", str(tmp_path / "a.json"))
    assert done.returncode == 2 and str(report) in done.stderr


def test_attestation_cannot_overwrite_the_report(audited_family: AuditedFamily, key_pairs,
                                                 tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_bytes(audited_family.report.read_bytes())
    done = auditor("attest", str(report), "--key", str(key_pairs["ed25519"][0]),
                   "--out", str(report))
    assert done.returncode == 2 and report.read_bytes() == audited_family.report.read_bytes()


def test_folder_digest_matches_the_evaluations(tiny_hf_model: Path) -> None:
    assert sha256_folder(tiny_hf_model) == folder_sha256(tiny_hf_model)
