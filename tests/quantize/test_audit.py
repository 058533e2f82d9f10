"""The contract: ``auditor audit ... --quantize Q8_0`` adds, for each full-precision node, a
derivative ``<id>:Q8_0`` (relation ``quantized``) evaluated and compared with its source;
methods that cannot run here are *not audited* with their reason; a second run reuses the
made files and the stored answers."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from auditor.quantize import ConverterInfo
from tests.cli._run import auditor
from tests.quantize.tiny_llama import build_convertible_llama


def _card(folder: Path, parent: str | None) -> None:
    front = f"base_model: {parent}\nbase_model_relation: finetune\n" if parent else ""
    (folder / "README.md").write_text(f"---\n{front}license: apache-2.0\n---\n# {folder.name}\n")


def test_audit_quantize_adds_compared_derivatives(
    converter: ConverterInfo, convertible_llama: Path, tmp_path: Path
) -> None:
    del converter  # only its presence matters: the audit finds it on its own
    base = shutil.copytree(convertible_llama, tmp_path / "family" / "tiny-base")
    _card(base, None)
    tuned = build_convertible_llama(tmp_path / "family" / "tiny-ft", seed=3)
    _card(tuned, "tiny-base")
    cache = tmp_path / "cache"
    args = ("audit", "--local", str(base), str(tuned), "--suite", "smoke", "--limit", "2",
            "--max-new-tokens", "4", "--threads", "2", "--store", str(tmp_path / "a.db"),
            "--out", str(tmp_path / "report"), "--quantize", "Q8_0", "--quantize", "bnb-nf4")
    done = auditor(*args, timeout=900, env={"AUDITOR_CACHE": str(cache)})
    assert done.returncode in (0, 3), done.stderr
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    pairs = {d["id"]: (d["parent"], d["relation"], d["n"]) for d in report["derivatives"]}
    assert pairs["tiny-base:Q8_0"][:2] == ("tiny-base", "quantized")
    assert pairs["tiny-ft:Q8_0"][:2] == ("tiny-ft", "quantized")
    assert pairs["tiny-ft"][:2] == ("tiny-base", "finetune")
    assert all(n > 0 for _, _, n in pairs.values())
    reasons = {row["id"]: row["reason"] for row in report["not_audited"]}
    if importlib.util.find_spec("bitsandbytes") is None:
        assert "bitsandbytes, which is not installed" in reasons["tiny-base:bnb-nf4"]
        assert "tiny-ft:bnb-nf4" in reasons
    else:  # quantized as it loads, on this CPU (bitsandbytes 0.48+)
        assert pairs["tiny-base:bnb-nf4"][:2] == ("tiny-base", "quantized")
        assert pairs["tiny-ft:bnb-nf4"][:2] == ("tiny-ft", "quantized")
        keys = {m["id"]: m["model"] for m in report["models"]}
        assert keys["tiny-ft:bnb-nf4"] == keys["tiny-ft"] + ":bnb-nf4"  # its own answers
    made = sorted((cache / "quantized").glob("Q8_0-*/model-Q8_0.gguf"))
    assert len(made) == 2
    stamps = [p.stat().st_mtime_ns for p in made]
    again = auditor(*args, timeout=900, env={"AUDITOR_CACHE": str(cache)})
    assert again.returncode == done.returncode, again.stderr
    assert [p.stat().st_mtime_ns for p in made] == stamps  # made once, reused
    assert sorted((cache / "quantized").glob("Q8_0-*/model-Q8_0.gguf")) == made


@pytest.mark.gptq
def test_audit_quantize_gptq_adds_a_compared_derivative(tmp_path: Path) -> None:
    """Where gptqmodel is installed, ``--quantize gptq-4bit`` makes the variant on this CPU
    and audits it like any GPTQ node (no llama.cpp needed)."""
    pytest.importorskip("gptqmodel")
    base = build_convertible_llama(tmp_path / "family" / "tiny-base")
    _card(base, None)
    args = ("audit", "--local", str(base), "--suite", "smoke", "--limit", "2",
            "--max-new-tokens", "4", "--threads", "2", "--store", str(tmp_path / "a.db"),
            "--out", str(tmp_path / "report"), "--quantize", "gptq-4bit")
    done = auditor(*args, timeout=900, env={"AUDITOR_CACHE": str(tmp_path / "cache"),
                                            "GPTQMODEL_CPU_WORKERS": "2"})
    assert done.returncode in (0, 3), done.stderr
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    pairs = {d["id"]: (d["parent"], d["relation"], d["n"]) for d in report["derivatives"]}
    assert list(pairs) == ["tiny-base:gptq-4bit"] and pairs["tiny-base:gptq-4bit"][:2] == (
        "tiny-base", "quantized") and pairs["tiny-base:gptq-4bit"][2] > 0
    models = {m["id"]: m for m in report["models"]}
    assert models["tiny-base:gptq-4bit"]["model"].startswith("local:model-gptq-4bit")
