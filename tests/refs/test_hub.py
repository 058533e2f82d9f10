"""Hub references through the real huggingface_hub client against a local file server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor.errors import ModelReferenceError, RepoNotFoundError, UnsafeCheckpointError
from tests.fixtures.hub_files import HubFiles
from tests.refs._hub import resolve_reference


def test_hf_repo_downloads_only_needed_files(hub: HubFiles, tiny_hf_model: Path) -> None:
    sha = hub.add_repo("org/tiny", tiny_hf_model, files={"README.md": b"# card",
                                                         "onnx/model.onnx": b"0" * 100})
    resolved = resolve_reference("org/tiny")
    ident = resolved.identity
    assert (ident.repo_id, ident.revision, ident.format) == ("org/tiny", sha, "safetensors")
    assert ident.key == f"org/tiny@{sha[:12]}"
    fetched = {p.rsplit("/", 1)[-1] for p in hub.downloaded()}
    assert "model.safetensors" in fetched and "config.json" in fetched
    assert "README.md" not in fetched and "model.onnx" not in fetched
    assert resolved.hf_dir is not None and (resolved.hf_dir / "config.json").is_file()
    assert all(f"/resolve/{sha}/" in p for p in hub.downloaded())  # revision pinned


def test_pinned_revision_and_unknown_revision(hub: HubFiles, tiny_hf_model: Path) -> None:
    sha = hub.add_repo("org/tiny", tiny_hf_model)
    assert resolve_reference(f"org/tiny@{sha}").identity.revision == sha
    with pytest.raises(RepoNotFoundError, match="no such revision"):
        resolve_reference("org/tiny@0000000")


def test_gguf_selector_picks_one_file(hub: HubFiles, tiny_gguf: Path, tmp_path: Path) -> None:
    data = tiny_gguf.read_bytes()
    sha = hub.add_repo("org/tiny-GGUF", files={"tiny-Q4_K_M.gguf": data,
                                               "tiny-Q8_0.gguf": data, "README.md": b"x"})
    resolved = resolve_reference("org/tiny-GGUF:Q8_0")
    ident = resolved.identity
    assert (ident.file, ident.quantization, ident.format) == ("tiny-Q8_0.gguf", "Q8_0", "gguf")
    assert ident.key == f"org/tiny-GGUF@{sha[:12]}:tiny-Q8_0.gguf"
    assert [p.rsplit("/", 1)[-1] for p in hub.downloaded()] == ["tiny-Q8_0.gguf"]
    assert resolved.path is not None and resolved.path.read_bytes() == data
    with pytest.raises(ModelReferenceError, match="available: Q4_K_M, Q8_0"):
        resolve_reference("org/tiny-GGUF:Q2_K")
    with pytest.raises(ModelReferenceError, match="several GGUF files"):
        resolve_reference("org/tiny-GGUF")


def test_pickle_only_repo_is_refused_before_download(
    hub: HubFiles, tiny_hf_model: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pickled"
    shutil.copytree(tiny_hf_model, folder)
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(b"not really a pickle")
    hub.add_repo("org/pickled", folder)
    with pytest.raises(UnsafeCheckpointError, match="--allow-pickle"):
        resolve_reference("org/pickled")
    assert not any(p.endswith(".bin") for p in hub.downloaded())
    resolved = resolve_reference("org/pickled", allow_pickle=True)
    assert resolved.identity.format == "pytorch"


def test_missing_repo_and_retry_on_503(hub: HubFiles, tiny_hf_model: Path) -> None:
    with pytest.raises(RepoNotFoundError, match="no such repository"):
        resolve_reference("org/absent")
    hub.add_repo("org/tiny", tiny_hf_model)
    hub.fail_next = 2
    assert resolve_reference("org/tiny").identity.repo_id == "org/tiny"


def test_bitsandbytes_selector_names_the_checkpoint_quantized_on_load(
    hub: HubFiles, tiny_hf_model: Path, tiny_gguf: Path
) -> None:
    sha = hub.add_repo("org/tiny", tiny_hf_model)
    plain = resolve_reference("org/tiny")
    nf4 = resolve_reference(f"org/tiny@{sha}:BNB-NF4")
    ident = nf4.identity
    assert (ident.format, ident.quantization, ident.quantized_on_load) == (
        "safetensors", "bnb-nf4", "bnb-nf4")
    assert ident.key == f"{plain.key}:bnb-nf4" == f"org/tiny@{sha[:12]}:bnb-nf4"
    assert nf4.hf_dir == plain.hf_dir  # the same files, no GGUF looked for
    hub.add_repo("org/tiny-GGUF", files={"tiny-Q8_0.gguf": tiny_gguf.read_bytes()})
    with pytest.raises(ModelReferenceError, match="bnb-nf4 quantizes a full-precision"):
        resolve_reference("org/tiny-GGUF:bnb-nf4")
