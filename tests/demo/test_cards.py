"""Model cards of the demo family, read back by the lineage crawler's local path."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from auditor.demo._cards import DISCLAIMER, write_card
from lineage import crawl_local


def _front_matter(readme: Path) -> dict:
    text = readme.read_text()
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_card_front_matter_has_the_hub_keys(tmp_path: Path) -> None:
    folder = tmp_path / "child"
    (folder).mkdir()
    (folder / "adapter_config.json").write_text("{}")
    readme = write_card(folder, title="child", description="A child.", base_model="parent",
                        relation="adapter", tags=("lora",))
    meta = _front_matter(readme)
    assert meta["base_model"] == "parent" and meta["base_model_relation"] == "adapter"
    assert meta["library_name"] == "peft" and "auditor-demo" in meta["tags"]
    assert DISCLAIMER in readme.read_text()


def test_a_family_laid_out_like_the_demo_crawls_locally(
    tiny_hf_model: Path, tiny_gguf: Path, tmp_path: Path
) -> None:
    """Same layout as the demo: base GGUF -> fine-tuned root -> quantized + adapter -> GGUF."""
    fam = tmp_path / "family"
    upstream = fam / "up"
    upstream.mkdir(parents=True)
    shutil.copy(tiny_gguf, upstream / "up-Q8_0.gguf")
    write_card(upstream, title="up", description="base")
    root = fam / "root"
    shutil.copytree(tiny_hf_model, root)
    write_card(root, title="root", description="d", base_model="up", relation="finetune")
    quant = fam / "root-Q8_0"
    quant.mkdir()
    shutil.copy(tiny_gguf, quant / "root-Q8_0.gguf")
    write_card(quant, title="q", description="d", base_model="root", relation="quantized")
    adapter = fam / "root-lora"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text('{"base_model_name_or_path": "root"}')
    write_card(adapter, title="a", description="d", base_model="root", relation="adapter")
    merged = fam / "root-lora-Q8_0"
    merged.mkdir()
    shutil.copy(tiny_gguf, merged / "root-lora-Q8_0.gguf")
    write_card(merged, title="m", description="d", base_model="root-lora", relation="quantized")

    graph = crawl_local([upstream, root, quant, adapter, merged], root="root")
    relations = {(e.parent, e.child): e.relation for e in graph.edges}
    assert relations == {
        ("up", "root"): "finetune",
        ("root", "root-Q8_0"): "quantized",
        ("root", "root-lora"): "adapter",
        ("root-lora", "root-lora-Q8_0"): "quantized",
    }
    roles = {n.id: n.role for n in graph.nodes}
    assert roles["root"] == "root" and roles["up"] == "ancestor"
    assert not [w for w in graph.warnings if w.kind in ("relation_conflict", "missing_parent")]
