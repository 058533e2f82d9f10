"""Memory estimates made before loading a model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from auditor.audit import AuditConfig
from auditor.audit._evaluate import Evaluator, TargetOutcome
from auditor.audit._events import StageTimer
from auditor.audit._memory import GIB, available_memory_bytes, estimate_memory
from auditor.audit._selection import AuditTarget
from auditor.executors import RemoteModel
from auditor.judges import get_judge
from auditor.refs import resolve_reference
from auditor.store import Store


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


def test_bitsandbytes_variants_cost_their_bits(tiny_hf_model: Path) -> None:
    def needed(ref: str) -> int:
        return estimate_memory(resolve_reference(ref), "transformers", device="cpu",
                               available_bytes=GIB).needed_bytes

    full, int8, nf4 = (needed(str(tiny_hf_model)), needed(f"{tiny_hf_model}:bnb-int8"),
                       needed(f"{tiny_hf_model}:bnb-nf4"))
    assert full > int8 > nf4  # float32 on CPU, then 8 bits, then 4
    detail = estimate_memory(resolve_reference(f"{tiny_hf_model}:bnb-nf4"), "transformers",
                             device="cpu", available_bytes=GIB).detail
    assert detail.startswith("bnb-nf4 weights")


@pytest.mark.parametrize(("options", "fits"), [
    ({}, False),  # one GPU's share is too small
    ({"tensor_parallel": 2}, True),  # two GPUs' shares hold it
    ({"tensor_parallel": 2, "gpu_memory_utilization": 0.7}, False),
])
def test_the_audit_checks_vllm_models_with_its_gpu_options(
    tiny_hf_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    options: dict[str, Any], fits: bool,
) -> None:
    """--tensor-parallel and --gpu-memory-utilization reach the estimate the audit makes
    before evaluating a model (two GPUs of 1.5 GiB here: 0.35 GiB usable each at 0.9)."""
    monkeypatch.setattr("auditor.audit._memory.local_gpu_memory", lambda: (3 * GIB // 2,) * 2)
    config = AuditConfig(root="m", suites=("harm",), limit=1, backend="vllm", device="cuda",
                         **options)
    with Store(tmp_path / "a.db") as store:
        evaluator = Evaluator(config, store, get_judge("heuristic"), lambda event: None,
                              StageTimer())
        prepared = evaluator._prepare(AuditTarget("m", "m", str(tiny_hf_model), "base", ""))
    assert isinstance(prepared, RemoteModel) is fits
    if not fits:
        assert isinstance(prepared, TargetOutcome) and "GPU" in prepared.skipped_reason
