"""crawl_local: lineage from folders the test writes (README, adapter, mergekit, config, GGUF)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import InputError, UsageError
from lineage import CrawlOptions, crawl_local
from tests.lineage.gguf_files import write_gguf


def readme(folder: Path, front: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(f"---\n{front}\n---\n# model card\n", encoding="utf-8")
    return folder


@pytest.fixture
def family(tmp_path: Path) -> dict[str, Path]:
    base = tmp_path / "gemma-3-270m"
    base.mkdir()
    (base / "config.json").write_text(json.dumps({"model_type": "gemma3"}))
    (base / "model.safetensors").write_bytes(b"\0" * 16)
    chat = readme(tmp_path / "chat", "base_model: google/gemma-3-270m\nlicense: gemma")
    (chat / "model.safetensors").write_bytes(b"\0" * 16)
    lora = tmp_path / "lora"
    lora.mkdir()
    (lora / "adapter_config.json").write_text(
        json.dumps({"base_model_name_or_path": str(chat), "peft_type": "LORA"}))
    merge = tmp_path / "merge"
    merge.mkdir()
    (merge / "mergekit_config.yml").write_text(
        "merge_method: slerp\nbase_model: ../chat\nslices:\n  - sources:\n"
        "      - model: ../chat\n        layer_range: [0, 18]\n"
        "      - model: other/model\n        layer_range: [0, 18]\n")
    quant = readme(tmp_path / "chat-gguf", "base_model: ../chat")
    write_gguf(quant / "chat.Q4_K_M.gguf", bases=["google/gemma-3-270m"])
    return {"base": base, "chat": chat, "lora": lora, "merge": merge, "quant": quant}


def test_local_family_relations_and_paths(family: dict[str, Path]) -> None:
    dirs = [family[k] for k in ("chat", "lora", "merge", "quant", "base")]
    graph = crawl_local(dirs)
    assert graph.source == "local"
    assert graph.root == "gemma-3-270m"  # matched by folder name, the topmost ancestor
    rel = {(e.parent, e.child): e.relation for e in graph.edges}
    assert rel == {
        ("gemma-3-270m", "chat"): "finetune",
        ("chat", "lora"): "adapter",
        ("chat", "merge"): "merge",
        ("other/model", "merge"): "merge",
        ("chat", "chat-gguf"): "quantized",
    }
    node = graph.node("chat-gguf")
    assert node.path == str(family["quant"].resolve())
    assert node.quantization == "Q4_K_M" and node.gguf_files == ("chat.Q4_K_M.gguf",)
    assert graph.node("chat").license == "gemma"
    assert graph.node("other/model").role == "co-parent"
    assert graph.node("other/model").status == "missing"
    sources = {e.source for e in graph.edge("chat", "lora").evidence}
    assert "adapter_config" in sources
    assert {e.source for e in graph.edge("chat", "merge").evidence} == {"mergekit"}
    assert "gguf" in {e.source for e in graph.edge("chat", "chat-gguf").evidence}


def test_gguf_base_models_are_the_sources_parents(tmp_path: Path) -> None:
    """A GGUF of X lists X's parents: the GGUF's parent is X, X's parent is the listed base."""
    gguf_dir = tmp_path / "it-gguf"
    write_gguf(gguf_dir / "it.Q8_0.gguf", file_type=7,
               source="https://huggingface.co/google/gemma-3-270m-it",
               bases=["google/gemma-3-270m"])
    graph = crawl_local([gguf_dir])
    assert graph.root == "google/gemma-3-270m"
    assert graph.parent_of("it-gguf").id == "google/gemma-3-270m-it"
    assert graph.parent_of("google/gemma-3-270m-it").id == "google/gemma-3-270m"
    assert graph.edge("google/gemma-3-270m-it", "it-gguf").relation == "quantized"
    assert graph.node("it-gguf").quantization == "Q8_0"


def test_gguf_without_source_or_card_warns_instead_of_guessing(tmp_path: Path) -> None:
    lone = write_gguf(tmp_path / "lone.gguf", bases=["google/gemma-3-270m"])
    graph = crawl_local([lone])
    assert graph.root == "lone.gguf" and not graph.edges
    [w] = graph.warnings
    assert w.kind == "unresolvable_parent" and "google/gemma-3-270m" in w.message


def test_gguf_adapter_type_is_an_adapter(tmp_path: Path) -> None:
    folder = readme(tmp_path / "lora-gguf", "base_model: org/base")
    write_gguf(folder / "lora.gguf", kind="adapter", file_type=1)
    graph = crawl_local([folder])
    assert graph.edge("org/base", "lora-gguf").relation == "adapter"


def test_explicit_root_depth_and_ancestors(family: dict[str, Path]) -> None:
    dirs = list(family.values())
    graph = crawl_local(dirs, root="chat", options=CrawlOptions(depth=1))
    assert graph.root == "chat"
    assert graph.node("gemma-3-270m").role == "ancestor"
    no_up = crawl_local(dirs, root=str(family["chat"]), options=CrawlOptions(ancestors=False))
    assert not no_up.nodes_by_role("ancestor")
    by_hub_id = crawl_local(dirs, root="google/gemma-3-270m")  # matches folder gemma-3-270m
    assert by_hub_id.root == "gemma-3-270m"
    with pytest.raises(UsageError, match="not among the local models"):
        crawl_local(dirs, root="nobody/else")


def test_dirty_local_references(tmp_path: Path) -> None:
    a = readme(tmp_path / "a", "base_model:\n  - /home/someone/ckpt/final\n  - a\n"
                               "  - ' https://huggingface.co/Org/Base '")
    graph = crawl_local([a])
    by_kind = {w.kind for w in graph.warnings}
    assert {"unresolvable_parent", "self_loop", "missing_parent"} <= by_kind
    assert graph.parent_of("a").id == "Org/Base"


def test_local_cycle_terminates(tmp_path: Path) -> None:
    x = readme(tmp_path / "x", "base_model: ../y")
    y = readme(tmp_path / "y", "base_model: ../x")
    graph = crawl_local([x, y], root="x")
    assert [w.kind for w in graph.warnings] == ["cycle"]
    assert len(graph.edges) == 1


def test_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        crawl_local([tmp_path / "nope"])


def test_hf_cache_snapshot_folder_knows_its_repo(tmp_path: Path) -> None:
    snap = tmp_path / "models--org--tuned" / "snapshots" / ("a" * 40)
    readme(snap, "base_model: org/base")
    graph = crawl_local([snap])
    node = graph.node("org/tuned")
    assert node.sha == "a" * 40 and node.path == str(snap.resolve())
