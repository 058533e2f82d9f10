"""How llama.cpp and torch were built, read in child processes, against independent reads."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

from auditor.doctor import parse_system_info, runtime_build
from auditor.doctor._build_info import config_summary

SYSTEM_INFO = ("CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | "
               "BMI2 = 1 | AVX512 = 0 | LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 | ")


def test_parse_system_info() -> None:
    features = parse_system_info(SYSTEM_INFO)
    assert features["AVX2"] is True and features["AVX512"] is False
    assert list(features)[:2] == ["SSE3", "SSSE3"] and len(features) == 11
    assert parse_system_info("") == {}


def test_config_summary_drops_build_settings() -> None:
    shown = ("PyTorch built with:\n  - GCC 13.3\n  - CPU capability usage: AVX512\n"
             "  - Build settings: BLAS_INFO=mkl, USE_CUDA=0, \n")
    assert config_summary(shown) == "GCC 13.3; CPU capability usage: AVX512"


@pytest.mark.parametrize("isolated", [True, False])
def test_runtime_build_matches_the_libraries(isolated: bool) -> None:
    info = runtime_build(isolated=isolated)
    shown = subprocess.run(
        [sys.executable, "-c", "import llama_cpp, torch; "
         "print(llama_cpp.llama_print_system_info().decode()); print(torch.version.cuda)"],
        capture_output=True, text=True, check=True).stdout.splitlines()
    assert info.llama_cpp_error is None and info.torch_error is None
    assert info.llama_cpp_version == metadata.version("llama-cpp-python")
    assert info.llama_cpp_system_info and info.llama_cpp_system_info in shown[0]
    assert info.llama_cpp_features == parse_system_info(shown[0])
    assert info.torch_version == metadata.version("torch")
    assert info.torch_build == ("CPU" if shown[1] == "None" else f"CUDA {shown[1]}")
