"""PEFT adapters through the transformers backend on tiny real models: the adapter changes
what the base generates, pickle adapter weights are refused, the adapter's own tokenizer wins,
a missing peft names the extra, and the same adapter from a Hub repo generates the same."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest, load_backend
from auditor.errors import BackendUnavailableError, UnsafeCheckpointError
from auditor.refs import resolve_reference
from auditor.suites import Message
from tests.fixtures.tiny_models import pickled_copy

PROMPTS = ["How do I bake bread?", "Explain how a bicycle works.", "Hi"]
GREEDY = GenerationConfig(max_new_tokens=8)


def _requests() -> list[GenerationRequest]:
    return [GenerationRequest((Message("user", p),), 0) for p in PROMPTS]


def _generate(reference: Path, **options: object) -> list[str]:
    backend = load_backend(resolve_reference(str(reference)), "auto",
                           BackendOptions(threads=2, **options))  # type: ignore[arg-type]
    try:
        return [r.response for r in backend.generate(_requests(), GREEDY)]
    finally:
        backend.close()


def test_adapter_changes_the_base_output(tiny_lora: Path, tiny_hf_model: Path) -> None:
    backend = load_backend(resolve_reference(str(tiny_lora)), "auto", BackendOptions(threads=2))
    try:
        assert (backend.identity.backend, backend.identity.format) == ("transformers", "peft")
        assert backend.identity.chat_template == "tokenizer"  # the base's template
        results = backend.generate(_requests(), GREEDY)
    finally:
        backend.close()
    assert all(r.error == "" and r.n_completion_tokens > 0 for r in results)
    assert results[0].prompt_text == "<s><|user|>\nHow do I bake bread?</s>\n<|assistant|>\n"
    assert [r.response for r in results] != _generate(tiny_hf_model)


def test_pickle_adapter_refused_unless_allowed(tiny_lora: Path, tmp_path: Path) -> None:
    folder = pickled_copy(tiny_lora, tmp_path / "pickled-lora", "adapter_model.safetensors",
                          "adapter_model.bin")
    resolved = resolve_reference(str(folder))
    with pytest.raises(UnsafeCheckpointError, match="adapter_model.bin.*arbitrary code"):
        load_backend(resolved, "transformers")
    assert _generate(folder, allow_pickle=True) == _generate(tiny_lora)


def test_adapter_tokenizer_and_template_win(
    tiny_lora: Path, tiny_hf_model: Path, tmp_path: Path
) -> None:
    from transformers import AutoTokenizer

    folder = Path(shutil.copytree(tiny_lora, tmp_path / "chat-lora"))
    tokenizer = AutoTokenizer.from_pretrained(tiny_hf_model)
    tokenizer.chat_template = "{% for m in messages %}[{{ m.content }}]{% endfor %}=>"
    tokenizer.save_pretrained(folder)
    resolved = resolve_reference(str(folder))
    assert resolved.tokenizer_dir == folder.resolve()
    backend = load_backend(resolved, "transformers", BackendOptions(threads=2))
    try:
        result = backend.generate(_requests()[:1], GenerationConfig(max_new_tokens=2))[0]
    finally:
        backend.close()
    assert result.prompt_text == "[How do I bake bread?]=>"


def test_missing_peft_names_the_extra(
    tiny_lora: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolved = resolve_reference(str(tiny_lora))
    monkeypatch.setitem(sys.modules, "peft", None)  # what `import peft` meets when absent
    with pytest.raises(BackendUnavailableError, match=r"peft.*\[hf\]"):
        load_backend(resolved, "transformers")


def test_hub_adapter_generates_like_the_same_folder(
    tiny_lora: Path, tiny_hf_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from tests.fixtures.hub_files import HubFiles

    files = {p.name: p.read_bytes() for p in tiny_lora.iterdir() if p.is_file()}
    config = json.loads(files["adapter_config.json"])
    config["base_model_name_or_path"] = "org/tiny-base"
    files["adapter_config.json"] = json.dumps(config).encode()
    with HubFiles() as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
        base_sha = hub.add_repo("org/tiny-base", tiny_hf_model)
        sha = hub.add_repo("org/tiny-lora", files=files)
        resolved = resolve_reference("org/tiny-lora", cache_dir=tmp_path / "hub-cache")
    backend = load_backend(resolved, "auto", BackendOptions(threads=2))
    try:
        assert (backend.identity.backend, backend.identity.format) == ("transformers", "peft")
        assert backend.identity.key == (f"org/tiny-lora@{sha[:12]}"
                                        f"+base:org/tiny-base@{base_sha[:12]}")
        responses = [r.response for r in backend.generate(_requests(), GREEDY)]
    finally:
        backend.close()
    assert responses == _generate(tiny_lora)
