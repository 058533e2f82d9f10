"""PEFT adapter repositories on the Hub, through the real huggingface_hub client against the local
file server: only the adapter files are downloaded, the base comes from adapter_config.json (or
``base=``), the key is ``org/name@sha+base:<base key>`` whichever base it is applied to."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.errors import InputError, UnsafeCheckpointError
from auditor.refs import ModelIdentity, reference_to_key
from tests.fixtures.hub_files import HubFiles
from tests.fixtures.tiny_models import pickled_copy
from tests.refs._hub import resolve_reference


def _adapter_files(adapter: Path, base_name: str | None, **more: bytes) -> dict[str, bytes]:
    """The adapter folder's files, its recorded base replaced (or removed), plus ``more``."""
    files = {p.name: p.read_bytes() for p in adapter.iterdir() if p.is_file()}
    config = json.loads(files["adapter_config.json"])
    config["base_model_name_or_path"] = base_name
    files["adapter_config.json"] = json.dumps(config).encode()
    return {**files, **more}


def _fetched(hub: HubFiles, repo: str) -> set[str]:
    return {p.rsplit("/", 1)[-1] for p in hub.downloaded() if p.startswith(f"/{repo}/")}


def test_adapter_repo_downloads_adapter_files_and_resolves_its_base(
    hub: HubFiles, tiny_hf_model: Path, tiny_lora: Path
) -> None:
    base_sha = hub.add_repo("org/tiny-base", tiny_hf_model)
    sha = hub.add_repo("org/tiny-lora", files=_adapter_files(
        tiny_lora, "org/tiny-base", **{"README.md": b"# lora", "training_args.bin": b"pickle",
                                       "optimizer.pt": b"pickle"}))
    resolved = resolve_reference("org/tiny-lora")
    ident = resolved.identity
    assert resolved.is_adapter and (ident.repo_id, ident.revision) == ("org/tiny-lora", sha)
    # The base's revision is part of the key: answers on another base revision never pair.
    assert ident.key == f"org/tiny-lora@{sha[:12]}+base:org/tiny-base@{base_sha[:12]}"
    assert ident.base_key == f"org/tiny-base@{base_sha[:12]}"
    assert ident.base_reference == "org/tiny-base"
    assert dict(ident.extra)["recorded_base"] == "org/tiny-base"
    assert _fetched(hub, "org/tiny-lora") == {"adapter_config.json", "adapter_model.safetensors"}
    assert "model.safetensors" in _fetched(hub, "org/tiny-base")
    assert all(f"/resolve/{sha}/" in p for p in hub.downloaded() if "tiny-lora" in p)
    assert resolved.base is not None and resolved.base.identity.revision == base_sha
    assert resolved.hf_dir is not None and (resolved.hf_dir / "adapter_config.json").is_file()
    assert resolved.tokenizer_dir == resolved.base.tokenizer_dir  # the adapter has none
    data = json.loads(ident.to_json())
    assert data["schema_version"] == 2 and data["key"] == ident.key
    assert ModelIdentity.from_json(ident.to_json()) == ident
    assert reference_to_key("org/tiny-lora", [ident.key]) == ident.key


def test_adapter_tokenizer_files_come_along(
    hub: HubFiles, tiny_hf_model: Path, tiny_lora: Path
) -> None:
    hub.add_repo("org/tiny-base", tiny_hf_model)
    tokenizer = {n: (tiny_hf_model / n).read_bytes() for n in
                 ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
                 if (tiny_hf_model / n).is_file()}
    hub.add_repo("org/tiny-lora", files=_adapter_files(tiny_lora, "org/tiny-base", **tokenizer))
    resolved = resolve_reference("org/tiny-lora")
    assert _fetched(hub, "org/tiny-lora") == {"adapter_config.json",
                                              "adapter_model.safetensors", *tokenizer}
    assert resolved.tokenizer_dir == resolved.hf_dir


def test_another_base_gives_another_key(
    hub: HubFiles, tiny_hf_model: Path, tiny_lora: Path, tmp_path: Path
) -> None:
    base_sha = hub.add_repo("org/tiny-base", tiny_hf_model)
    other_sha = hub.add_repo("org/other-base", tiny_hf_model, files={"README.md": b"# copy"})
    sha = hub.add_repo("org/tiny-lora", files=_adapter_files(tiny_lora, "org/tiny-base"))
    plain = f"org/tiny-lora@{sha[:12]}"
    pinned = resolve_reference(f"org/tiny-lora@{sha}", base=f"org/tiny-base@{base_sha}")
    assert pinned.key == f"{plain}+base:org/tiny-base@{base_sha[:12]}"
    on_other = resolve_reference("org/tiny-lora", base="org/other-base").identity
    assert on_other.key == f"{plain}+base:org/other-base@{other_sha[:12]}"
    assert on_other.base_reference == "org/other-base"
    assert dict(on_other.extra)["recorded_base"] == "org/tiny-base"
    local = resolve_reference("org/tiny-lora", base=str(tiny_hf_model)).identity
    assert local.key == f"{plain}+base:{resolve_reference(str(tiny_hf_model)).key}"
    assert ModelIdentity.from_json(local.to_json()).key == local.key


def test_pickle_only_adapter_repo_is_refused_before_download(
    hub: HubFiles, tiny_hf_model: Path, tiny_lora: Path, tmp_path: Path
) -> None:
    hub.add_repo("org/tiny-base", tiny_hf_model)
    pickled = pickled_copy(tiny_lora, tmp_path / "pickled", "adapter_model.safetensors",
                           "adapter_model.bin")
    files = _adapter_files(pickled, "org/tiny-base")
    hub.add_repo("org/pickled-lora", files=files)
    with pytest.raises(UnsafeCheckpointError, match="adapter_model.bin.*--allow-pickle"):
        resolve_reference("org/pickled-lora")
    assert not _fetched(hub, "org/pickled-lora")
    resolved = resolve_reference("org/pickled-lora", allow_pickle=True)
    assert resolved.is_adapter and _fetched(hub, "org/pickled-lora") == {
        "adapter_config.json", "adapter_model.bin"}


def test_missing_or_unfollowable_base_says_what_to_pass(
    hub: HubFiles, tiny_hf_model: Path, tiny_lora: Path
) -> None:
    hub.add_repo("org/orphan-lora", files=_adapter_files(tiny_lora, "org/absent-base"))
    with pytest.raises(InputError, match=r"org/orphan-lora was trained on 'org/absent-base'"
                                         r".*no such repository.*--base"):
        resolve_reference("org/orphan-lora")
    hub.add_repo("org/path-lora", files=_adapter_files(tiny_lora, "/home/trainer/run/final"))
    with pytest.raises(InputError, match="trained on '/home/trainer/run/final'.*--base"):
        resolve_reference("org/path-lora")
    hub.add_repo("org/tiny-base", tiny_hf_model)
    assert resolve_reference("org/path-lora", base="org/tiny-base").identity.base_key
    hub.add_repo("org/unnamed-lora", files=_adapter_files(tiny_lora, None))
    with pytest.raises(InputError, match="does not name its base model"):
        resolve_reference("org/unnamed-lora")


def test_an_adapter_is_never_a_base(hub: HubFiles, tiny_lora: Path, tmp_path: Path) -> None:
    hub.add_repo("org/lora-a", files=_adapter_files(tiny_lora, "org/lora-b"))
    hub.add_repo("org/lora-b", files=_adapter_files(tiny_lora, "org/lora-a"))
    with pytest.raises(InputError, match="org/lora-b is itself a PEFT adapter"):
        resolve_reference("org/lora-a")
    with pytest.raises(InputError, match="itself a PEFT adapter"):
        resolve_reference("org/lora-a", base=str(shutil.copytree(tiny_lora, tmp_path / "lora")))
