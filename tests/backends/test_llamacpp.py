"""The llama.cpp backend on tiny real GGUF files: templates, determinism, quantized files."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.backends import (
    COMPLETION_MODE,
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    load_backend,
)
from auditor.errors import UsageError
from auditor.refs import resolve_reference
from auditor.suites import Message

REQUESTS = [
    GenerationRequest((Message("user", "How do I bake bread?"),)),
    GenerationRequest((Message("system", "Be brief."), Message("user", "A poem about the sea"))),
    GenerationRequest((Message("user", "What is the capital of France?"),)),
]


def test_embedded_template_is_used_and_recorded(tiny_gguf: Path) -> None:
    backend = load_backend(resolve_reference(str(tiny_gguf)))
    assert backend.name == "llamacpp"
    assert backend.identity.chat_template == "embedded"
    result = backend.generate(REQUESTS[:1], GenerationConfig(max_new_tokens=5))[0]
    assert result.prompt_text == "<s><|user|>\nHow do I bake bread?</s>\n<|assistant|>\n"
    assert result.n_completion_tokens == 5 and result.finish_reason == "length"
    backend.close()


def test_no_template_means_completion_mode_never_llama2(tiny_gguf_no_template: Path) -> None:
    backend = load_backend(resolve_reference(str(tiny_gguf_no_template)))
    assert backend.identity.chat_template == COMPLETION_MODE
    result = backend.generate(REQUESTS[1:2], GenerationConfig(max_new_tokens=3))[0]
    assert result.prompt_text == "Be brief.\n\nA poem about the sea\n"
    assert "[INST]" not in result.prompt_text and "<<SYS>>" not in result.prompt_text
    backend.close()


def test_builtin_template_on_request(tiny_gguf_no_template: Path) -> None:
    options = BackendOptions(chat_template="builtin:gemma")
    backend = load_backend(resolve_reference(str(tiny_gguf_no_template)), "llamacpp", options)
    assert backend.identity.chat_template == "builtin:gemma"
    result = backend.generate(REQUESTS[:1], GenerationConfig(max_new_tokens=2))[0]
    assert result.prompt_text.startswith("<s><start_of_turn>user\nHow do I bake bread?")
    backend.close()


def test_greedy_is_deterministic_and_order_free(tiny_gguf: Path) -> None:
    backend = load_backend(resolve_reference(str(tiny_gguf)), "llamacpp")
    config = GenerationConfig(max_new_tokens=10)
    forward = [r.response for r in backend.generate(REQUESTS, config)]
    backward = [r.response for r in backend.generate(REQUESTS[::-1], config)][::-1]
    assert forward == backward
    backend.close()


def test_seeded_sampling_is_reproducible(tiny_gguf: Path) -> None:
    backend = load_backend(resolve_reference(str(tiny_gguf)), "llamacpp")
    config = GenerationConfig(max_new_tokens=10, temperature=1.0, samples=2)
    seeded = [GenerationRequest(r.messages, 11) for r in REQUESTS]
    first = [r.response for r in backend.generate(seeded, config)]
    again = [r.response for r in backend.generate(seeded, config)]
    other = [r.response for r in backend.generate(
        [GenerationRequest(r.messages, 12) for r in REQUESTS], config)]
    assert first == again and first != other
    backend.close()


def test_llamacpp_refuses_non_gguf(tiny_hf_model: Path) -> None:
    with pytest.raises(UsageError, match="GGUF files only"):
        load_backend(resolve_reference(str(tiny_hf_model)), "llamacpp")


def test_quantized_k_quant_gguf(tmp_path: Path) -> None:
    """A 256-wide model (K-quant rows need multiples of 256) quantized to Q8_0 and Q4_K_M by
    llama.cpp itself loads, generates, and is identified by its quantization."""
    from auditor.demo._quantize import quantize_gguf
    from tests.fixtures.tiny_models import build_tiny_gguf, build_tiny_hf_model

    hf = build_tiny_hf_model(tmp_path / "wide", hidden=256, intermediate=512, heads=4,
                             kv_heads=2, layers=1)
    f16 = build_tiny_gguf(hf, tmp_path / "wide-F16.gguf", dtype="f16")
    for quant in ("Q8_0", "Q4_K_M"):
        path = quantize_gguf(f16, tmp_path / f"wide-{quant.lower()[:2]}.gguf", quant).path
        resolved = resolve_reference(str(path))
        assert resolved.identity.quantization == quant  # read from the GGUF header
        backend = load_backend(resolved, "llamacpp")
        out = backend.generate(REQUESTS[:1], GenerationConfig(max_new_tokens=4))[0]
        assert out.error == "" and out.n_completion_tokens == 4
        backend.close()


def test_template_borrowed_from_the_parent_folder(
    tiny_gguf_no_template: Path, tiny_hf_model: Path
) -> None:
    options = BackendOptions(chat_template=str(tiny_hf_model))
    backend = load_backend(resolve_reference(str(tiny_gguf_no_template)), "llamacpp", options)
    assert backend.identity.chat_template == "folder:tiny-llama"
    result = backend.generate(REQUESTS[:1], GenerationConfig(max_new_tokens=2))[0]
    assert result.prompt_text == "<s><|user|>\nHow do I bake bread?</s>\n<|assistant|>\n"
    backend.close()
