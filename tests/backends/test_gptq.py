"""GPTQ through transformers + gptqmodel (the ``[gptq]`` extra), where gptqmodel is installed.

gptqmodel's install pulls a multi-GB CUDA torch, so it is not in the default test install; this
test runs where it is (``pip install 'supply-chain-auditor[gptq]'``). It quantizes the tiny
model on the CPU (``GPTQMODEL_CPU_WORKERS=2``) and evaluates the result.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.backends import GenerationConfig, GenerationRequest, load_backend
from auditor.refs import resolve_reference
from auditor.suites import Message

pytestmark = pytest.mark.gptq


def test_tiny_gptq_checkpoint_loads_and_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gptqmodel = pytest.importorskip("gptqmodel")
    pytest.importorskip("optimum")
    from tests.fixtures.tiny_models import build_tiny_hf_model

    monkeypatch.setenv("GPTQMODEL_CPU_WORKERS", "2")
    hf = build_tiny_hf_model(tmp_path / "fp", hidden=128, intermediate=256)
    calibration = [f"Sentence number {i} about bread, bicycles and the sea." for i in range(32)]
    model = gptqmodel.GPTQModel.load(str(hf), gptqmodel.QuantizeConfig(bits=4, group_size=32))
    model.quantize(calibration)
    out = tmp_path / "gptq"
    model.save(str(out))
    resolved = resolve_reference(str(out))
    assert resolved.identity.format == "gptq" and resolved.identity.quantization == "gptq-4bit"
    backend = load_backend(resolved, "transformers")
    result = backend.generate([GenerationRequest((Message("user", "Hi"),))],
                              GenerationConfig(max_new_tokens=4))[0]
    assert result.error == "" and result.n_completion_tokens == 4
