"""DemoFamily: the manifest written to the cache reads back identically; bad ones are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.demo import ROOT_ID, DemoFamily, DemoMember, default_cache_dir, quantized_id
from auditor.errors import InputError


def _family(tmp_path: Path) -> DemoFamily:
    root = DemoMember(ROOT_ID, tmp_path / ROOT_ID, str(tmp_path / ROOT_ID), "gemma-3-270m",
                      "finetune", "safetensors", None, "transformers", 10, "root")
    q8 = quantized_id("Q8_0")
    quant = DemoMember(q8, tmp_path / q8, str(tmp_path / q8 / f"{q8}.gguf"), ROOT_ID,
                       "quantized", "gguf", "Q8_0", "llamacpp", 5, "q8")
    adapter = DemoMember("lora", tmp_path / "lora", str(tmp_path / "lora"), ROOT_ID, "adapter",
                         "peft", None, "", 1, "adapter")
    return DemoFamily(ROOT_ID, (root, quant, adapter), tmp_path, tmp_path, tmp_path / "src.gguf",
                      "ab" * 32, timings=(("train_safety", 12.5),),
                      training=(("safety", {"steps": 3}),), notes=("why",))


def test_manifest_round_trip(tmp_path: Path) -> None:
    family = _family(tmp_path)
    path = family.write(tmp_path / "manifest.json")
    loaded = DemoFamily.load(path)
    assert loaded.from_cache and loaded.to_dict() == family.to_dict()
    assert json.loads(path.read_text())["schema_version"] == 1
    assert [m.id for m in loaded.runnable] == [ROOT_ID, quantized_id("Q8_0")]
    assert loaded.lineage_dirs == tuple(m.path for m in family.members)
    assert loaded.member("lora").relation == "adapter"
    assert loaded.root_f32_gguf == tmp_path / "work" / f"{ROOT_ID}-F32.gguf"
    with pytest.raises(KeyError):
        loaded.member("nope")


def test_a_manifest_of_another_schema_is_a_clear_error(tmp_path: Path) -> None:
    path = _family(tmp_path).write(tmp_path / "manifest.json")
    data = json.loads(path.read_text())
    data["schema_version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="delete the folder"):
        DemoFamily.load(path)
    path.write_text("{not json")
    with pytest.raises(InputError, match="cannot read"):
        DemoFamily.load(path)


def test_default_cache_dir_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x" / "demo"
    monkeypatch.delenv("AUDITOR_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "auditor" / "demo"


def test_a_moved_cache_still_finds_its_members(tmp_path: Path) -> None:
    family = _family(tmp_path / "old")
    (tmp_path / "old").mkdir()
    family.write(tmp_path / "old" / "manifest.json")
    (tmp_path / "old").rename(tmp_path / "new")
    moved = DemoFamily.load(tmp_path / "new" / "manifest.json")
    assert moved.cache_dir == (tmp_path / "new").resolve()
    assert moved.member(ROOT_ID).path == (tmp_path / "new" / ROOT_ID).resolve()
    q8 = quantized_id("Q8_0")
    assert moved.member(q8).reference == str((tmp_path / "new" / q8 / f"{q8}.gguf").resolve())
