"""The whole audit on real tiny models built in the test: a transformers parent, its GGUF
quantized by llama.cpp and a LoRA adapter on it, from local lineage folders; real loading and
generation."""

from __future__ import annotations

import json
import shutil
from importlib import metadata
from pathlib import Path

from auditor.audit import AuditConfig, run_audit
from auditor.demo._quantize import quantize_gguf
from tests.fixtures.tiny_models import build_tiny_lora_adapter


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
    # The adapter names its base as a bare name no resolver can follow: it is applied to its
    # lineage parent's folder.
    lora = build_tiny_lora_adapter(base, tmp_path / "family" / "tiny-base-lora",
                                   base_name="tiny-base")
    config = AuditConfig(
        local=(base, quant, lora), suites=("smoke",), store=tmp_path / "audit.db",
        out=tmp_path / "report", max_new_tokens=8, threads=2,
    )
    result = run_audit(config)
    derivatives = {d.relation: d for d in result.report.derivatives}
    assert set(derivatives) == {"quantized", "adapter"}
    for derivative in derivatives.values():
        assert derivative.parent == "tiny-base" and derivative.n > 0
    flagged = any(str(d.verdict) == "degraded" for d in derivatives.values())
    assert result.exit_code == (3 if flagged else 0)
    saved = json.loads(result.json_path.read_text())
    models = json.dumps(saved["provenance"])
    assert "tiny-base.Q8_0.gguf" in models and "sha256" in models
    build = saved["provenance"]["build"]  # the audit's process ran the backends: it records them
    assert build["llama_cpp_version"] == metadata.version("llama-cpp-python")
    assert build["llama_cpp_system_info"] and build["torch_version"] == metadata.version("torch")
    identities = {o.target.node_id: o.summary.identity for o in result.outcomes
                  if o.summary and o.summary.identity}
    assert {i.backend for i in identities.values()} == {"transformers", "llamacpp"}
    adapter = identities["tiny-base-lora"]
    assert adapter.format == "peft" and adapter.backend == "transformers"
    assert adapter.base_key == identities["tiny-base"].key != adapter.key
    assert adapter.key in models
