"""quantize_gguf: llama.cpp's quantizer through llama-cpp-python, on a tiny F32 GGUF."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.demo._quantize import quantize_gguf
from auditor.errors import BackendError, UsageError

pytest.importorskip("llama_cpp")
gguf = pytest.importorskip("gguf")


def _types(path: Path) -> dict[str, str]:
    reader = gguf.GGUFReader(str(path))
    return {t.name: t.tensor_type.name for t in reader.tensors}


def test_q8_0_from_f32_is_smaller_loads_and_generates(tiny_gguf: Path, tmp_path: Path) -> None:
    from llama_cpp import Llama

    out = quantize_gguf(tiny_gguf, tmp_path / "tiny-Q8_0.gguf", "q8_0", threads=1)
    assert out.path.is_file() and out.quantization == "Q8_0"
    assert out.size_bytes == out.path.stat().st_size < tiny_gguf.stat().st_size
    assert out.seconds >= 0
    types = _types(out.path)
    assert types["blk.0.ffn_down.weight"] == "Q8_0"
    assert types["blk.0.attn_norm.weight"] == "F32"  # norms are never quantized
    assert not (tmp_path / "tiny-Q8_0.gguf.partial").exists()
    llm = Llama(str(out.path), n_ctx=64, n_threads=1, verbose=False, seed=0)
    text = llm("hello", max_tokens=4, temperature=0)["choices"][0]["text"]
    assert isinstance(text, str)


def test_requantizing_needs_allow_requantize(tiny_gguf: Path, tmp_path: Path) -> None:
    q8 = quantize_gguf(tiny_gguf, tmp_path / "a-Q8_0.gguf", "Q8_0", threads=1).path
    with pytest.raises(BackendError, match="allow requantize"):
        quantize_gguf(q8, tmp_path / "b-Q4_0.gguf", "Q4_0", allow_requantize=False, threads=1)
    assert not (tmp_path / "b-Q4_0.gguf").exists()
    again = quantize_gguf(q8, tmp_path / "c-Q4_0.gguf", "Q4_0", allow_requantize=True, threads=1)
    assert _types(again.path)["blk.0.ffn_down.weight"] == "Q4_0"


def test_bad_arguments_are_clear_errors(tiny_gguf: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown quantization"):
        quantize_gguf(tiny_gguf, tmp_path / "x.gguf", "Q9_9")
    with pytest.raises(BackendError, match="does not exist"):
        quantize_gguf(tmp_path / "missing.gguf", tmp_path / "x.gguf", "Q8_0")
