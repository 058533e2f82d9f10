"""Resolving local references to identities (sha256, format, quantization, keys)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from auditor.errors import ModelReferenceError
from auditor.refs import ModelIdentity, reference_to_key, resolve_reference


def test_local_gguf_identity(tiny_gguf: Path) -> None:
    resolved = resolve_reference(str(tiny_gguf))
    ident = resolved.identity
    sha = hashlib.sha256(tiny_gguf.read_bytes()).hexdigest()
    assert ident.file_sha256 == sha
    assert ident.format == "gguf" and ident.quantization == "F32"
    assert dict(ident.extra)["architecture"] == "llama"
    assert ident.key == f"local:{tiny_gguf.name}#sha256:{sha[:12]}"
    assert resolved.path == tiny_gguf.resolve()


def test_local_hf_folder_identity(tiny_hf_model: Path) -> None:
    ident = resolve_reference(str(tiny_hf_model)).identity
    assert ident.format == "safetensors" and ident.dtype == "float32"
    assert ident.key.startswith("local:tiny-llama#sha256:")
    assert len(ident.file_sha256 or "") == 64
    again = resolve_reference(str(tiny_hf_model)).identity
    assert again.key == ident.key  # stable (and served from the hash cache)


def test_changing_a_weight_file_changes_the_key(tiny_hf_model: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(tiny_hf_model, tmp_path / "tiny-llama")
    before = resolve_reference(str(copy)).key
    config = json.loads((copy / "config.json").read_text())
    config["rms_norm_eps"] = 1e-6
    (copy / "config.json").write_text(json.dumps(config))
    assert resolve_reference(str(copy)).key != before


def test_gguf_folder_selector(tiny_gguf: Path, tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    shutil.copy(tiny_gguf, folder / "tiny-Q8_0.gguf")
    shutil.copy(tiny_gguf, folder / "tiny-F16.gguf")
    with pytest.raises(ModelReferenceError, match="several GGUF files"):
        resolve_reference(str(folder))
    ident = resolve_reference(f"{folder}:Q8_0").identity
    assert ident.file == "tiny-Q8_0.gguf" and ident.quantization == "Q8_0"
    with pytest.raises(ModelReferenceError, match="available: F16, Q8_0"):
        resolve_reference(f"{folder}:Q4_K_M")


def test_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelReferenceError, match="not a .gguf"):
        resolve_reference(str(tmp_path / "notes.txt"))
    with pytest.raises(ModelReferenceError, match="no config.json"):
        resolve_reference(str(tmp_path))


def test_openai_identity() -> None:
    ident = resolve_reference("openai:http://127.0.0.1:9/v1#my-model").identity
    assert ident.key == "openai:http://127.0.0.1:9/v1#my-model"
    assert ident.format == "remote" and ident.backend == "openai"


def test_identity_json_round_trip(tiny_gguf: Path) -> None:
    ident = resolve_reference(str(tiny_gguf)).identity.with_runtime(
        backend="llamacpp", dtype="F32", chat_template="embedded")
    data = json.loads(ident.to_json())
    assert data["key"] == ident.key and data["schema_version"] == 2
    assert ModelIdentity.from_json(ident.to_json()) == ident


def test_reference_to_key(tiny_gguf: Path) -> None:
    key = resolve_reference(str(tiny_gguf)).key
    assert reference_to_key(str(tiny_gguf)) == key
    assert reference_to_key(key) == key
    known = ["org/model@0123456789ab", "org/model-GGUF@ba9876543210:m-Q4_K_M.gguf"]
    assert reference_to_key("org/model", known) == known[0]
    assert reference_to_key("org/model@0123456", known) == known[0]
    assert reference_to_key("org/model-GGUF:Q4_K_M", known) == known[1]


def test_bitsandbytes_selector_on_a_local_checkpoint(tiny_hf_model: Path, tiny_gguf: Path,
                                                     tmp_path: Path) -> None:
    plain = resolve_reference(str(tiny_hf_model))
    int8 = resolve_reference(f"{tiny_hf_model}:bnb-int8")
    assert int8.identity.quantized_on_load == "bnb-int8" and int8.hf_dir == plain.hf_dir
    assert int8.key == f"{plain.key}:bnb-int8" != resolve_reference(f"{tiny_hf_model}:bnb-nf4").key
    assert ModelIdentity.from_json(int8.identity.to_json()).key == int8.key  # stored, read back
    folder = tmp_path / "ggufs"
    folder.mkdir()
    shutil.copy(tiny_gguf, folder / "tiny-F32.gguf")
    with pytest.raises(ModelReferenceError, match="not a Hugging Face model folder"):
        resolve_reference(f"{folder}:bnb-nf4")
