"""attest -> verify-attestation through the real CLI on a report the real pipeline wrote."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from auditor.attest import PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE
from tests.attest.conftest import AuditedFamily
from tests.cli._run import auditor


def _copy_family(family: AuditedFamily, tmp_path: Path) -> AuditedFamily:
    """A private copy the test may tamper with (the session's family is shared)."""
    base = shutil.copytree(family.base, tmp_path / "models" / family.base.name)
    quant = shutil.copytree(family.quant, tmp_path / "models" / family.quant.name)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    shutil.copyfile(family.report, report)
    return AuditedFamily(report, base, quant, quant / family.gguf.name)


def _attest(family: AuditedFamily, key: Path) -> Path:
    out = family.report.parent / "audit.intoto.json"
    done = auditor("attest", str(family.report), "--key", str(key), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def _verify(family: AuditedFamily, attestation: Path, public: Path, *extra: str):
    return auditor("verify-attestation", str(attestation), "--key", str(public),
                   "--model-dir", f"tiny-base={family.base}",
                   "--model-dir", f"tiny-base-GGUF={family.quant}", *extra)


def _statement(attestation: Path) -> dict:
    envelope = json.loads(attestation.read_text())
    assert envelope["payloadType"] == PAYLOAD_TYPE
    return json.loads(base64.b64decode(envelope["payload"]))


@pytest.mark.parametrize("key_type", ["ed25519", "ecdsa", "rsa"])
def test_round_trip_verifies(audited_family: AuditedFamily, key_pairs, key_type: str,
                             tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    private, public = key_pairs[key_type]
    attestation = _attest(family, private)
    done = _verify(family, attestation, public)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verified" in done.stdout and "not checked" not in done.stdout


def test_statement_layout(audited_family: AuditedFamily, key_pairs, tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    statement = _statement(_attest(family, key_pairs["ed25519"][0]))
    assert statement["_type"] == STATEMENT_TYPE
    assert statement["predicateType"] == PREDICATE_TYPE
    report = json.loads(family.report.read_text())
    models = {m["id"]: m for m in report["provenance"]["models"]}
    subjects = {s["name"]: s for s in statement["subject"]}
    gguf_subject = f"tiny-base-GGUF/{family.gguf.name}"
    assert set(subjects) == {"tiny-base", gguf_subject}
    assert subjects[gguf_subject]["digest"]["sha256"] == models["tiny-base-GGUF"]["file_sha256"]
    assert subjects["tiny-base"]["digest"]["sha256"] == models["tiny-base"]["file_sha256"]
    import hashlib
    assert hashlib.sha256(family.gguf.read_bytes()).hexdigest() == (
        subjects[gguf_subject]["digest"]["sha256"])
    predicate = statement["predicate"]
    assert predicate["report"]["digest"]["sha256"] == hashlib.sha256(
        family.report.read_bytes()).hexdigest()
    assert predicate["tool"]["version"] == report["provenance"]["tool_version"]
    assert [s["hash"] for s in predicate["suites"]] == [
        s["hash"] for s in report["provenance"]["suites"]]
    assert predicate["judge"]["id"] == report["methods"]["judge_id"]
    assert {(v["model"], v["verdict"]) for v in predicate["verdicts"]} == {
        (d["id"], d["verdict"]) for d in report["derivatives"]}
    assert predicate["created"].endswith("Z")


def test_report_is_found_beside_the_attestation(audited_family: AuditedFamily, key_pairs,
                                               tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    private, public = key_pairs["ed25519"]
    attestation = _attest(family, private)
    family.report.write_text(family.report.read_text().replace('"tiny-base"', '"tiny-basf"', 1))
    done = _verify(family, attestation, public)
    assert done.returncode == 1
    assert "changed" in done.stdout and "report" in done.stdout


def test_tampered_report_given_explicitly_fails(audited_family: AuditedFamily, key_pairs,
                                                tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    private, public = key_pairs["ecdsa"]
    attestation = _attest(family, private)
    moved = tmp_path / "elsewhere.json"
    data = json.loads(family.report.read_text())
    data["derivatives"][0]["verdict"] = "not_degraded" if data["derivatives"][0][
        "verdict"] != "not_degraded" else "inconclusive"
    moved.write_text(json.dumps(data))
    done = _verify(family, attestation, public, "--report", str(moved))
    assert done.returncode == 1 and "changed" in done.stdout


def test_tampered_gguf_fails(audited_family: AuditedFamily, key_pairs, tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    private, public = key_pairs["ed25519"]
    attestation = _attest(family, private)
    with family.gguf.open("r+b") as handle:
        handle.seek(-1, 2)
        last = handle.read(1)
        handle.seek(-1, 2)
        handle.write(bytes([last[0] ^ 0xFF]))
    done = _verify(family, attestation, public)
    assert done.returncode == 1
    assert "changed" in done.stdout and family.gguf.name in done.stdout


def test_file_added_to_a_folder_subject_fails(audited_family: AuditedFamily, key_pairs,
                                               tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    private, public = key_pairs["ed25519"]
    attestation = _attest(family, private)
    (family.base / "extra.safetensors").write_bytes(b"\0" * 16)
    done = _verify(family, attestation, public)
    assert done.returncode == 1 and "changed" in done.stdout and "tiny-base:" in done.stdout


def test_missing_subject_fails(audited_family: AuditedFamily, key_pairs, tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    private, public = key_pairs["ed25519"]
    attestation = _attest(family, private)
    family.gguf.unlink()
    done = _verify(family, attestation, public)
    assert done.returncode == 1 and "missing" in done.stdout


def test_wrong_key_fails(audited_family: AuditedFamily, key_pairs, tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    attestation = _attest(family, key_pairs["ed25519"][0])
    for other in ("ecdsa", "rsa"):
        done = _verify(family, attestation, key_pairs[other][1])
        assert done.returncode == 1, other
        assert "invalid" in done.stdout and "signature" in done.stdout


def test_edited_payload_fails_the_signature(audited_family: AuditedFamily, key_pairs,
                                            tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    private, public = key_pairs["ed25519"]
    attestation = _attest(family, private)
    envelope = json.loads(attestation.read_text())
    statement = _statement(attestation)
    statement["predicate"]["verdicts"] = []
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    attestation.write_text(json.dumps(envelope))
    done = _verify(family, attestation, public)
    assert done.returncode == 1 and "invalid" in done.stdout


def test_subjects_found_at_their_recorded_references(audited_family: AuditedFamily, key_pairs,
                                                     tmp_path: Path) -> None:
    """Without --model-dir the weights are looked for where the audit read them."""
    out = tmp_path / "audit.intoto.json"
    private, public = key_pairs["ed25519"]
    done = auditor("attest", str(audited_family.report), "--key", str(private),
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    done = auditor("verify-attestation", str(out), "--key", str(public),
                   "--report", str(audited_family.report))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("ok") == 4  # signature, report, two subjects
    assert "not checked" not in done.stdout


def test_nothing_found_is_not_checked_not_failed(audited_family: AuditedFamily, key_pairs,
                                                 tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    private, public = key_pairs["ed25519"]
    attestation = _attest(family, private)
    moved = shutil.move(attestation, tmp_path / "moved.intoto.json")
    done = auditor("verify-attestation", str(moved), "--key", str(public),
                   "--model-dir", f"tiny-base={family.base}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not checked" in done.stdout and "report" in done.stdout


def test_model_dir_for_an_unknown_model_is_a_usage_error(audited_family: AuditedFamily,
                                                        key_pairs, tmp_path: Path) -> None:
    family = _copy_family(audited_family, tmp_path)
    attestation = _attest(family, key_pairs["ed25519"][0])
    done = auditor("verify-attestation", str(attestation), "--key",
                   str(key_pairs["ed25519"][1]), "--model-dir", f"nobody={tmp_path}")
    assert done.returncode == 2 and "nobody" in done.stderr


def test_keyless_offline_is_a_clear_error(audited_family: AuditedFamily, tmp_path: Path) -> None:
    """No network (a proxy that refuses every connection): one line naming --key, exit 2."""
    out = tmp_path / "bundle.json"
    done = auditor("attest", str(audited_family.report), "--keyless", "--out", str(out),
                   env={"HTTPS_PROXY": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
                        "NO_PROXY": "", "no_proxy": ""})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--keyless needs the network" in done.stderr and "--key" in done.stderr
    assert not out.exists()


def test_key_and_keyless_together_is_a_usage_error(audited_family: AuditedFamily, key_pairs,
                                                   tmp_path: Path) -> None:
    done = auditor("attest", str(audited_family.report), "--keyless", "--key",
                   str(key_pairs["ed25519"][0]), "--out", str(tmp_path / "a.json"))
    assert done.returncode == 2 and "exactly one" in done.stderr


def test_recorded_model_signature_is_carried(audited_family: AuditedFamily, key_pairs,
                                             tmp_path: Path) -> None:
    """provenance.models[].signature (optional: reports without it still load) reaches the
    predicate."""
    family = _copy_family(audited_family, tmp_path)
    data = json.loads(family.report.read_text())
    for model in data["provenance"]["models"]:
        model.pop("signature", None)  # a report written before the field existed
    data["provenance"]["models"][0]["signature"] = "unverifiable (no public key given)"
    family.report.write_text(json.dumps(data))
    statement = _statement(_attest(family, key_pairs["ed25519"][0]))
    models = statement["predicate"]["models"]
    assert models[0]["signature"] == "unverifiable (no public key given)"
    assert all("signature" not in m for m in models[1:])
