"""The audit records each model's OpenSSF model-signing result: a tiny local family whose parent
folder is signed with model_signing's own key-based signer and whose GGUF folder is not; the
report (JSON and HTML) says ``signed-valid`` / ``unsigned``, and ``signed-invalid`` once a
signed file changed."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from auditor.attest import attest_report
from auditor.audit import AuditConfig, config_from_mapping, run_audit
from auditor.demo import quantize_gguf
from auditor.errors import UsageError
from tests.attest.test_model_signature import _ec_pair, _sign


def _card(folder: Path, parent: str | None) -> None:
    front = f"base_model: {parent}\nbase_model_relation: quantized\n" if parent else ""
    (folder / "README.md").write_text(f"---\n{front}license: apache-2.0\n---\n# {folder.name}\n",
                                      encoding="utf-8")


def _signatures(report_json: Path) -> dict[str, str | None]:
    saved = json.loads(report_json.read_text())
    return {m["id"]: m.get("signature") for m in saved["provenance"]["models"]}


def test_audit_records_model_signatures(tiny_hf_model: Path, tiny_gguf: Path,
                                        tmp_path: Path) -> None:
    base = shutil.copytree(tiny_hf_model, tmp_path / "family" / "tiny-base")
    _card(base, None)
    quant = tmp_path / "family" / "tiny-base-GGUF"
    quant.mkdir(parents=True)
    quantize_gguf(tiny_gguf, quant / "tiny-base.Q8_0.gguf", "Q8_0")
    _card(quant, "tiny-base")
    private, public = _ec_pair(tmp_path, "signer")
    _sign(base, private)

    def audit(out: str, key: Path | None) -> Path:
        config = AuditConfig(local=(base, quant), suites=("smoke",), store=tmp_path / "a.db",
                             out=tmp_path / out, max_new_tokens=4, threads=2, signing_key=key)
        return run_audit(config).json_path

    report = audit("signed", public)
    assert _signatures(report) == {"tiny-base": "signed-valid", "tiny-base-GGUF": "unsigned"}
    html = (report.parent / "report.html").read_text()
    assert "<td>signed-valid</td>" in html and "<td>unsigned</td>" in html
    attested = attest_report(report, tmp_path / "audit.intoto.json", key=private)
    envelope = json.loads(attested.path.read_text())
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert {m["id"]: m["signature"] for m in statement["predicate"]["models"]} == \
        {"tiny-base": "signed-valid", "tiny-base-GGUF": "unsigned"}

    assert _signatures(audit("no-key", None))["tiny-base"] == \
        "unverifiable (no public key given)"

    with (base / "config.json").open("a") as handle:  # tampered after signing
        handle.write("\n")
    tampered = _signatures(audit("tampered", public))["tiny-base"]
    assert tampered is not None and tampered.startswith("signed-invalid (")


def test_signing_key_from_toml_and_missing_key(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "signer.pub.pem"
    key.parent.mkdir()
    key.write_text("not checked until the audit runs")
    config = config_from_mapping({"local": ["m"], "signing_key": "keys/signer.pub.pem"},
                                 base=tmp_path)
    assert config.signing_key == key.resolve()
    assert config.validate() is config
    missing = config_from_mapping({"local": ["m"], "signing_key": "nope.pem"}, base=tmp_path)
    with pytest.raises(UsageError, match="signing key .*nope.pem: no such file"):
        missing.validate()
