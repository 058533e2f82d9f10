"""PEFT adapter folders as model references: format, identity (adapter hash + base), base
resolution from adapter_config.json, a local folder or the Hub, and the explicit override."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.refs import ModelIdentity, folder_sha256, reference_to_key, resolve_reference
from tests.fixtures.hub_files import HubFiles


def _copy_adapter(adapter: Path, dest: Path, base_name: str | None) -> Path:
    folder = Path(shutil.copytree(adapter, dest))
    path = folder / "adapter_config.json"
    data = json.loads(path.read_text())
    if base_name is None:
        data.pop("base_model_name_or_path", None)
    else:
        data["base_model_name_or_path"] = base_name
    path.write_text(json.dumps(data))
    return folder


def test_adapter_folder_identity(tiny_lora: Path, tiny_hf_model: Path) -> None:
    resolved = resolve_reference(str(tiny_lora))
    base_key = resolve_reference(str(tiny_hf_model)).key
    ident = resolved.identity
    assert ident.format == "peft" and resolved.is_adapter
    assert ident.file_sha256 == folder_sha256(tiny_lora)
    assert ident.base_key == base_key and ident.base_reference == str(tiny_hf_model)
    assert ident.key.startswith("local:lora#sha256:") and ident.key != base_key
    assert dict(ident.extra) == {"architecture": "LlamaForCausalLM", "peft_type": "LORA"}
    assert resolved.base is not None and resolved.base.hf_dir == tiny_hf_model.resolve()
    assert resolved.hf_dir == tiny_lora.resolve()
    assert resolved.tokenizer_dir == tiny_hf_model.resolve()  # the adapter has none
    assert reference_to_key(str(tiny_lora)) == ident.key
    data = json.loads(ident.to_json())
    assert data["schema_version"] == 2 and data["base_key"] == base_key
    assert ModelIdentity.from_json(ident.to_json()) == ident


def test_same_adapter_on_another_base_is_another_model(
    tiny_lora: Path, tiny_hf_model: Path, tmp_path: Path
) -> None:
    other = Path(shutil.copytree(tiny_hf_model, tmp_path / "other-base"))
    (other / "README.md").write_text("# another copy\n")
    on_recorded = resolve_reference(str(tiny_lora)).identity
    on_other = resolve_reference(str(tiny_lora), base=str(other)).identity
    assert on_other.file_sha256 == on_recorded.file_sha256
    assert on_other.base_key == resolve_reference(str(other)).key != on_recorded.base_key
    assert on_other.key != on_recorded.key


def test_unresolvable_base_says_what_to_pass(
    tiny_lora: Path, tiny_hf_model: Path, tmp_path: Path
) -> None:
    moved = _copy_adapter(tiny_lora, tmp_path / "lora", "/home/trainer/runs/base-final")
    with pytest.raises(InputError, match=r"trained on '/home/trainer/runs/base-final'.*--base"):
        resolve_reference(str(moved))
    resolved = resolve_reference(str(moved), base=str(tiny_hf_model))
    assert resolved.identity.base_key == resolve_reference(str(tiny_hf_model)).key
    with pytest.raises(InputError, match="given for the adapter"):
        resolve_reference(str(moved), base=str(tmp_path / "nowhere"))
    unnamed = _copy_adapter(tiny_lora, tmp_path / "unnamed", None)
    with pytest.raises(InputError, match="does not name its base model.*--base"):
        resolve_reference(str(unnamed))


def test_base_must_be_a_full_model(tiny_lora: Path, tiny_gguf: Path, tmp_path: Path) -> None:
    itself = tmp_path / "self-lora"
    _copy_adapter(tiny_lora, itself, str(itself))
    with pytest.raises(InputError, match="itself a PEFT adapter"):
        resolve_reference(str(itself))
    with pytest.raises(InputError, match="is gguf"):
        resolve_reference(str(tiny_lora), base=str(tiny_gguf))


def test_base_named_by_hub_id(
    tiny_lora: Path, tiny_hf_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HubFiles() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
        sha = hub.add_repo("org/tiny", tiny_hf_model)
        adapter = _copy_adapter(tiny_lora, tmp_path / "lora", "org/tiny")
        resolved = resolve_reference(str(adapter), cache_dir=tmp_path / "hub-cache")
        assert resolved.identity.base_key == f"org/tiny@{sha[:12]}"
        assert resolved.base is not None and resolved.base.identity.revision == sha
        absent = _copy_adapter(tiny_lora, tmp_path / "lora2", "org/absent")
        with pytest.raises(InputError, match="cannot be resolved here.*--base"):
            resolve_reference(str(absent), cache_dir=tmp_path / "hub-cache")


def test_identity_v1_record_loads() -> None:
    v1 = {"schema_version": 1, "reference": "./m", "format": "safetensors",
          "file_sha256": "ab" * 32, "local_name": "m", "key": "local:m#sha256:abababababab",
          "extra": {"architecture": "llama"}}
    ident = ModelIdentity.from_json(json.dumps(v1))
    assert ident.base_key is None and ident.key == v1["key"]
