"""read_local_model: what one folder says about itself, tolerant of broken files."""

from __future__ import annotations

import json
from pathlib import Path

from lineage._local import read_local_model
from tests.lineage.gguf_files import write_gguf


def test_reads_every_source(tmp_path: Path) -> None:
    m = tmp_path / "m"
    m.mkdir()
    (m / "README.md").write_text("\ufeff---\nbase_model:\n  - org/a\n  - org/b\n"
                                 "base_model_relation: merge\nlicense: mit\n---\ntext\n")
    (m / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "org/a"}))
    (m / "mergekit_config.yml").write_text(
        "merge_method: ties\nbase_model: org/a\nmodels:\n  - model: org/b+org/lora\n  - org/c\n")
    (m / "config.json").write_text(json.dumps(
        {"_name_or_path": "/tmp/x", "quantization_config": {"quant_method": "gptq", "bits": 4}}))
    write_gguf(m / "sub" / "m.Q5_K_M.gguf", file_type=17, source="https://huggingface.co/org/s",
               bases=["org/p"])
    model = read_local_model(m)
    assert model.card_bases == ["org/a", "org/b"] and model.license == "mit"
    assert model.adapter_base == "org/a"
    assert model.merge_method == "ties" and model.merge_models == ("org/a", "org/b", "org/c")
    assert model.config_name == "/tmp/x"
    assert (model.quant_method, model.quant_bits) == ("gptq", 4)
    [g] = model.ggufs
    assert (g.file, g.quantization, g.source) == ("m.Q5_K_M.gguf", "Q5_K_M",
                                                 "https://huggingface.co/org/s")
    assert g.bases == ("https://huggingface.co/org/p",)
    assert "sub/m.Q5_K_M.gguf" in model.files


def test_broken_files_are_ignored_not_fatal(tmp_path: Path, caplog) -> None:
    m = tmp_path / "broken"
    m.mkdir()
    (m / "README.md").write_text("---\nbase_model: [unclosed\n---\n")
    (m / "config.json").write_text("{nope")
    (m / "mergekit_config.yml").write_text(": : :\n\t- bad")
    (m / "bad.gguf").write_bytes(b"GGUF\x03\x00\x00\x00" + b"\xff" * 20)
    model = read_local_model(m)
    assert model.card == {} and model.config_name is None and model.merge_models == ()
    assert model.ggufs == ()
    assert "not valid" in caplog.text or "GGUF" in caplog.text
