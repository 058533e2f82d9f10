"""GPU arithmetic for the vllm and transformers backends, on constructed GPU inventories: when a
model spans several GPUs, what the memory estimate offers it, and when ``auto`` picks vllm."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from auditor.audit._memory import GIB, estimate_memory
from auditor.backends import PER_GPU_OVERHEAD_BYTES, needs_device_map, usable_gpu_bytes
from auditor.backends._registry import prefers_vllm
from auditor.refs import ResolvedModel, resolve_reference

GPU24 = 24 * GIB
GPU80 = 80 * GIB


def test_transformers_may_use_every_gpu_less_each_ones_overhead() -> None:
    assert usable_gpu_bytes((GPU24, GPU24, GPU24), "transformers") == 3 * GPU24 - 3 * (
        PER_GPU_OVERHEAD_BYTES)
    assert usable_gpu_bytes((), "transformers") == 0


def test_vllm_uses_its_tensor_parallel_gpus_at_their_share() -> None:
    one = usable_gpu_bytes((GPU80, GPU80), "vllm", utilization=0.5)
    two = usable_gpu_bytes((GPU80, GPU80), "vllm", tensor_parallel=2, utilization=0.5)
    assert one == 40 * GIB - PER_GPU_OVERHEAD_BYTES
    assert two == 2 * one


def test_a_model_spans_gpus_only_when_the_first_cannot_hold_it() -> None:
    assert not needs_device_map(10 * GIB, (GPU24, GPU24))
    assert needs_device_map(30 * GIB, (GPU24, GPU24))
    assert not needs_device_map(30 * GIB, (GPU24,))  # one GPU: nothing to spread over
    assert not needs_device_map(30 * GIB, ())


@pytest.fixture()
def big_model(tiny_hf_model: Path, tmp_path: Path) -> ResolvedModel:
    """The tiny model's identity over a folder whose (sparse) weights are 30 GiB."""
    folder = tmp_path / "big"
    folder.mkdir()
    with (folder / "model.safetensors").open("wb") as handle:
        handle.truncate(30 * GIB)
    resolved = resolve_reference(str(tiny_hf_model))
    return replace(resolved, path=folder)


def test_estimate_counts_the_sum_of_the_gpus(big_model: ResolvedModel) -> None:
    one = estimate_memory(big_model, "transformers", device="cuda", gpu_memory=(GPU24,))
    two = estimate_memory(big_model, "transformers", device="cuda", gpu_memory=(GPU24, GPU24))
    assert not one.fits and two.fits
    assert "across 2 GPUs" in two.detail and "as stored" in two.detail  # no float32 widening
    assert two.available_bytes == 2 * (GPU24 - PER_GPU_OVERHEAD_BYTES)


def test_estimate_under_vllm_follows_tensor_parallel(big_model: ResolvedModel) -> None:
    gpus = (GPU24, GPU24)
    alone = estimate_memory(big_model, "vllm", device="auto", gpu_memory=gpus)
    split = estimate_memory(big_model, "vllm", device="auto", gpu_memory=gpus,
                            tensor_parallel=2)
    assert not alone.fits and split.fits
    assert "across 2 GPUs" in split.detail


def test_estimate_without_gpus_counts_ram(big_model: ResolvedModel) -> None:
    on_cpu = estimate_memory(big_model, "transformers", device="cpu", gpu_memory=(GPU80,),
                             available_bytes=64 * GIB)
    assert "float32 on CPU" in on_cpu.detail and not on_cpu.fits


def test_auto_picks_vllm_for_safetensors_on_a_gpu_only() -> None:
    assert prefers_vllm("safetensors", "auto", vllm_installed=True, gpus=1)
    assert prefers_vllm("peft", "cuda:1", vllm_installed=True, gpus=2)
    assert not prefers_vllm("safetensors", "auto", vllm_installed=True, gpus=0)
    assert not prefers_vllm("safetensors", "cpu", vllm_installed=True, gpus=1)
    assert not prefers_vllm("safetensors", "auto", vllm_installed=False, gpus=1)
    assert not prefers_vllm("gguf", "auto", vllm_installed=True, gpus=1)
    assert not prefers_vllm("pytorch", "auto", vllm_installed=True, gpus=1)
