"""The whole audit on real tiny models built in the test: a transformers parent, its GGUF
quantized by llama.cpp, from local lineage folders; real loading and generation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from auditor.audit import AuditConfig, run_audit
from tests.fixtures.tiny_models import quantize_gguf


def _card(folder: Path, parent: str | None, relation: str | None) -> None:
    lines = ["---"]
    if parent:
        lines += [f"base_model: {parent}", f"base_model_relation: {relation}"]
    lines += ["license: apache-2.0", "---", f"# {folder.name}", ""]
    (folder / "README.md").write_text("\n".join(lines), encoding="utf-8")


def test_tiny_family_end_to_end(tiny_hf_model: Path, tiny_gguf: Path, tmp_path: Path) -> None:
    base = tmp_path / "family" / "tiny-base"
    shutil.copytree(tiny_hf_model, base)
    _card(base, None, None)
    quant = tmp_path / "family" / "tiny-base-GGUF"
    quant.mkdir()
    quantize_gguf(tiny_gguf, quant / "tiny-base.Q8_0.gguf", "Q8_0")
    _card(quant, "tiny-base", "quantized")
    config = AuditConfig(
        local=(base, quant), suites=("smoke",), store=tmp_path / "audit.db",
        out=tmp_path / "report", max_new_tokens=8, threads=2,
    )
    result = run_audit(config)
    (derivative,) = result.report.derivatives
    assert derivative.relation == "quantized" and derivative.parent == "tiny-base"
    assert derivative.n > 0
    flagged = str(derivative.verdict) == "degraded"
    assert result.exit_code == (3 if flagged else 0)
    saved = json.loads(result.json_path.read_text())
    models = json.dumps(saved["provenance"])
    assert "tiny-base.Q8_0.gguf" in models and "sha256" in models
    backends = {o.summary.identity.backend for o in result.outcomes if o.summary and
                o.summary.identity}
    assert backends == {"transformers", "llamacpp"}
