"""GPTQ and AWQ through transformers + gptqmodel (the ``[gptq]`` extra), where gptqmodel is
installed.

gptqmodel's install pulls a multi-GB CUDA torch, so it is not in the default test install; these
tests run where it is (``pip install 'supply-chain-auditor[gptq]'``; the README says how to keep a
CPU torch). They quantize the tiny model on the CPU (``GPTQMODEL_CPU_WORKERS=2``) and evaluate
the result; transformers then picks gptqmodel's CPU kernels (``TorchAtenLinear``,
``TorchAtenAwqLinear``) by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.backends import GenerationConfig, GenerationRequest, load_backend
from auditor.refs import resolve_reference
from auditor.suites import Message

pytestmark = pytest.mark.gptq

CALIBRATION = [f"Sentence number {i} about bread, bicycles and the sea." for i in range(32)]


def _quantize(tmp_path: Path, config: Any, **quantize_kwargs: Any) -> Path:
    """The tiny model quantized by gptqmodel with ``config``, saved under ``tmp_path``."""
    import gptqmodel

    from tests.fixtures.tiny_models import build_tiny_hf_model

    hf = build_tiny_hf_model(tmp_path / "fp", hidden=128, intermediate=256)
    model = gptqmodel.GPTQModel.load(str(hf), config)
    model.quantize(CALIBRATION, **quantize_kwargs)
    out = tmp_path / "quantized"
    model.save(str(out))
    return out


def _generate_four_tokens(folder: Path, fmt: str) -> None:
    resolved = resolve_reference(str(folder))
    assert resolved.identity.format == fmt and resolved.identity.quantization == f"{fmt}-4bit"
    backend = load_backend(resolved, "transformers")
    result = backend.generate([GenerationRequest((Message("user", "Hi"),))],
                              GenerationConfig(max_new_tokens=4))[0]
    assert result.error == "" and result.n_completion_tokens == 4


@pytest.fixture
def gptqmodel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    module = pytest.importorskip("gptqmodel")
    pytest.importorskip("optimum")
    monkeypatch.setenv("GPTQMODEL_CPU_WORKERS", "2")
    monkeypatch.chdir(tmp_path)  # gptqmodel writes its quantization logs to ./logs
    return module


def test_tiny_gptq_checkpoint_loads_and_generates(tmp_path: Path, gptqmodel: Any) -> None:
    folder = _quantize(tmp_path, gptqmodel.QuantizeConfig(bits=4, group_size=32))
    _generate_four_tokens(folder, "gptq")


def test_tiny_awq_checkpoint_loads_and_generates(tmp_path: Path, gptqmodel: Any) -> None:
    # AWQ's default packing kernel (AwqGEMMLinear) needs CUDA ("AWQ: CUDA is not available");
    # the torch one writes the same GEMM format on a CPU.
    config = gptqmodel.QuantizeConfig(method="awq", bits=4, group_size=32)
    folder = _quantize(tmp_path, config, backend=gptqmodel.BACKEND.AWQ_TORCH)
    _generate_four_tokens(folder, "awq")
