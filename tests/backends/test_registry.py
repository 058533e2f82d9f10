"""The backend registry: names, auto choice, plug-ins, errors naming the pip extra."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from auditor.backends import (
    BackendOptions,
    auto_backend_name,
    backend_names,
    get_backend,
    load_backend,
    register_backend,
)
from auditor.backends._registry import _REGISTRY
from auditor.errors import BackendUnavailableError, UsageError
from auditor.refs import resolve_reference


def test_builtin_names_and_unknown_name() -> None:
    assert {"transformers", "llamacpp", "openai", "vllm"} <= set(backend_names())
    with pytest.raises(UsageError, match="unknown backend 'nosuch'"):
        get_backend("nosuch")


def test_auto_choice(tiny_gguf: Path, tiny_hf_model: Path) -> None:
    assert auto_backend_name(resolve_reference(str(tiny_gguf))) == "llamacpp"
    assert auto_backend_name(resolve_reference(str(tiny_hf_model))) == "transformers"
    assert auto_backend_name(resolve_reference("openai:http://127.0.0.1:1/v1#m")) == "openai"


def test_mismatched_backend_is_a_usage_error(tiny_hf_model: Path) -> None:
    with pytest.raises(UsageError, match="openai:BASE_URL#model"):
        load_backend(resolve_reference(str(tiny_hf_model)), "openai")
    with pytest.raises(UsageError, match="remote model"):
        load_backend(resolve_reference("openai:http://127.0.0.1:1/v1#m"), "transformers")


def test_a_registered_factory_is_used(tiny_gguf: Path) -> None:
    seen = []

    def factory(resolved, options):  # type: ignore[no-untyped-def]
        seen.append((resolved.key, options.threads))
        return get_backend("llamacpp")(resolved, options)

    register_backend("my-plugin", factory)
    try:
        backend = load_backend(resolve_reference(str(tiny_gguf)), "my-plugin",
                               BackendOptions(threads=1))
        backend.close()
    finally:
        _REGISTRY.pop("my-plugin")
    assert seen and seen[0][1] == 1


def test_missing_llama_cpp_names_the_extra(
    tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as if not installed
    with pytest.raises(BackendUnavailableError, match=r"supply-chain-auditor\[gguf\]"):
        load_backend(resolve_reference(str(tiny_gguf)), "llamacpp")


def test_gptq_checkpoint_without_gptqmodel_names_the_extra(
    tiny_hf_model: Path, tmp_path: Path
) -> None:
    pytest.importorskip("torch")
    if "gptqmodel" in sys.modules or _has("gptqmodel"):
        pytest.skip("gptqmodel is installed here: the gptq-marked test covers loading")
    folder = Path(shutil.copytree(tiny_hf_model, tmp_path / "gptq"))
    config = json.loads((folder / "config.json").read_text())
    config["quantization_config"] = {"quant_method": "gptq", "bits": 4, "group_size": 32}
    (folder / "config.json").write_text(json.dumps(config))
    resolved = resolve_reference(str(folder))
    assert (resolved.identity.format, resolved.identity.quantization) == ("gptq", "gptq-4bit")
    with pytest.raises(BackendUnavailableError, match=r"\[gptq\].*auto-gptq"):
        load_backend(resolved, "transformers")


def _has(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
