"""The --quantize vocabulary: GGUF types as llama.cpp names them, bitsandbytes formats where
bitsandbytes runs, gptq refused with a reason."""

from __future__ import annotations

import importlib.util

import pytest

from auditor.errors import QuantizationError, UsageError
from auditor.quantize import (
    GGUF_TYPES,
    NEEDS_IMATRIX,
    bitsandbytes_reason,
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


@pytest.mark.parametrize(("version", "cuda", "expected"), [
    (None, True, "bnb-nf4 needs bitsandbytes, which is not installed"),
    (None, False, "bnb-nf4 needs bitsandbytes, which is not installed"),
    ("0.45.5", False, "bnb-nf4 needs a CUDA GPU with bitsandbytes 0.45.5"),
    ("0.45.5", True, ""),
    ("0.48.0", False, ""),
    ("0.50.2", False, ""),
    ("1.0.0.dev1", False, ""),
])
def test_bitsandbytes_runs_on_a_gpu_or_on_cpus_since_0_48(version: str | None, cuda: bool,
                                                         expected: str) -> None:
    reason = bitsandbytes_reason("bnb-nf4", version, cuda)
    assert reason.startswith(expected) and bool(reason) == bool(expected)


@pytest.mark.skipif(importlib.util.find_spec("bitsandbytes") is None,
                    reason="bitsandbytes is not installed (the bnb extra)")
@pytest.mark.parametrize("name", ["bnb-nf4", "bnb-int8"])
def test_installed_bitsandbytes_makes_its_variants_here(name: str) -> None:
    assert unavailable_reason(parse_method(name)) == ""
    check_available(parse_method(name))


@pytest.mark.skipif(importlib.util.find_spec("gptqmodel") is not None,
                    reason="gptqmodel is installed here: the gptq-marked tests make variants")
def test_gptq_without_gptqmodel_is_a_reason_naming_the_extra() -> None:
    reason = unavailable_reason(parse_method("gptq-4bit"))
    assert reason.startswith("gptq-4bit needs gptqmodel, which is not installed (pip install "
                             "'supply-chain-auditor[gptq]'")
    with pytest.raises(QuantizationError, match="needs gptqmodel"):
        check_available(parse_method("gptq-4bit"))


@pytest.mark.gptq
def test_installed_gptqmodel_makes_its_variants_on_a_cpu_too() -> None:
    pytest.importorskip("gptqmodel")
    assert unavailable_reason(parse_method("gptq-4bit")) == ""


def test_imatrix_types_are_refused_up_front() -> None:
    for name in NEEDS_IMATRIX:
        assert "importance matrix" in unavailable_reason(parse_method(name))
    assert unavailable_reason(parse_method("Q4_K_M")) == ""
