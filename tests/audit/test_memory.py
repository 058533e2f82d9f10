"""Memory estimates made before loading a model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from auditor.audit._memory import GIB, available_memory_bytes, estimate_memory
from auditor.refs import resolve_reference


def test_gguf_under_llamacpp_costs_about_its_file(tiny_gguf: Path) -> None:
    resolved = resolve_reference(str(tiny_gguf))
    estimate = estimate_memory(resolved, "llamacpp", available_bytes=64 * GIB)
    size = tiny_gguf.stat().st_size
    assert size < estimate.needed_bytes < size * 2 + GIB
    assert estimate.fits


def test_dequantizing_a_gguf_costs_more_than_mapping_it(tiny_gguf: Path) -> None:
    plain = resolve_reference(str(tiny_gguf))
    resolved = replace(plain, identity=replace(plain.identity, quantization="Q4_K_M"))
    mapped = estimate_memory(resolved, "llamacpp", available_bytes=GIB)
    dequantized = estimate_memory(resolved, "transformers", available_bytes=GIB)
    assert dequantized.needed_bytes > mapped.needed_bytes


def test_a_model_that_does_not_fit_says_what_to_do(tiny_hf_model: Path) -> None:
    resolved = resolve_reference(str(tiny_hf_model))
    estimate = estimate_memory(resolved, "transformers", available_bytes=1024)
    assert not estimate.fits
    assert "openai: override" in estimate.message("tiny")


def test_available_memory_is_read_from_the_machine() -> None:
    assert available_memory_bytes() > 0


def test_an_adapter_counts_its_base(tiny_lora: Path, tiny_hf_model: Path) -> None:
    base = estimate_memory(resolve_reference(str(tiny_hf_model)), "transformers",
                           device="cpu", available_bytes=GIB)
    adapter = estimate_memory(resolve_reference(str(tiny_lora)), "transformers",
                              device="cpu", available_bytes=GIB)
    lora_bytes = (tiny_lora / "adapter_model.safetensors").stat().st_size
    assert adapter.needed_bytes > base.needed_bytes + lora_bytes  # base + adapter, widened
    assert adapter.detail == "weights in float32 on CPU"
