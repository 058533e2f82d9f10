"""The --quantize vocabulary: GGUF types as llama.cpp names them, GPU formats refused with a
reason where their GPU or library is missing."""

from __future__ import annotations

import importlib.util

import pytest

from auditor.errors import QuantizationError, UsageError
from auditor.quantize import (
    GGUF_TYPES,
    NEEDS_IMATRIX,
    check_available,
    parse_method,
    parse_methods,
    unavailable_reason,
)


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def test_every_gguf_type_is_a_llama_cpp_ftype() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    for name in GGUF_TYPES:
        assert hasattr(llama_cpp, parse_method(name).ftype), name


def test_names_are_case_blind_and_aliases_resolve() -> None:
    assert parse_method("q8_0").name == "Q8_0"
    assert parse_method("Q4_K").name == "Q4_K_M"
    assert parse_method("BNB-NF4").name == "bnb-nf4" and parse_method("bnb-nf4").kind == "bnb"
    assert parse_method("gptq-4bit").kind == "gptq"
    assert [m.name for m in parse_methods(["Q8_0", "q8_0", "Q4_K", "Q4_K_M"])] == ["Q8_0",
                                                                                   "Q4_K_M"]


def test_unknown_type_names_the_choices() -> None:
    with pytest.raises(UsageError, match="unknown quantization 'Q9_9'.*Q4_K_M.*bnb-nf4"):
        parse_method("Q9_9")


@pytest.mark.skipif(_cuda(), reason="this machine has a CUDA GPU")
@pytest.mark.parametrize("name", ["bnb-nf4", "bnb-int8"])
def test_bitsandbytes_without_gpu_is_a_reason(name: str) -> None:
    assert unavailable_reason(parse_method(name)) == f"{name} needs a CUDA GPU and bitsandbytes"
    with pytest.raises(QuantizationError, match="needs a CUDA GPU and bitsandbytes"):
        check_available(parse_method(name))


@pytest.mark.skipif(_cuda(), reason="this machine has a CUDA GPU")
def test_gptq_without_gpu_is_a_reason() -> None:
    assert unavailable_reason(parse_method("gptq-4bit")) == (
        "gptq-4bit needs a CUDA GPU and gptqmodel")


@pytest.mark.skipif(not _cuda() or importlib.util.find_spec("bitsandbytes") is not None,
                    reason="needs a CUDA GPU without bitsandbytes")
def test_bitsandbytes_missing_on_a_gpu() -> None:
    assert "bitsandbytes, which is not installed" in unavailable_reason(parse_method("bnb-nf4"))


def test_imatrix_types_are_refused_up_front() -> None:
    for name in NEEDS_IMATRIX:
        assert "importance matrix" in unavailable_reason(parse_method(name))
    assert unavailable_reason(parse_method("Q4_K_M")) == ""
