"""What counts as broken: a failed decode or a build for features this CPU lacks (errors, exit
1); a GPU that a library cannot use (a warning); an uninstalled backend (nothing)."""

from __future__ import annotations

from auditor.doctor import BackendCheck, BuildInfo, CpuInfo, GpuInfo
from auditor.doctor._report import diagnose

CPU = CpuInfo("AMD EPYC", "x86_64", 2, 2, ("avx", "avx2", "fma", "f16c", "bmi2"))
NO_GPU = GpuInfo("CPU", False, (), None, None)
PORTABLE = BuildInfo(llama_cpp_version="0.3.36", llama_cpp_gpu_offload=False,
                     llama_cpp_system_info="CPU : AVX = 1 | AVX2 = 1 | FMA = 1 | F16C = 1",
                     torch_version="2.13.0+cpu", torch_build="CPU", torch_cuda_available=False)
OK = (BackendCheck("transformers", True, True, "5"), BackendCheck("llamacpp", True, True, "0.3"),
      BackendCheck("openai", True, None, "0.2"), BackendCheck("vllm", False, None, None,
                                                              "not installed: pip install vllm"))


def test_healthy_install_has_no_problem() -> None:
    assert diagnose(OK, PORTABLE, CPU, NO_GPU) == ()


def test_failed_decode_is_an_error_with_the_rebuild() -> None:
    broken = (*OK[:1], BackendCheck("llamacpp", True, False, "0.3.36",
                                    "tiny GGUF Q8_0: backend crashed (SIGSEGV while decoding)"))
    (problem,) = diagnose(broken, PORTABLE, CPU, NO_GPU)
    assert problem.component == "llamacpp" and problem.severity == "error"
    assert "SIGSEGV" in problem.message
    assert "make clean venv" in problem.fix and "llama-cpp-python==0.3.36" in problem.fix


def test_native_build_for_missing_features_is_an_error() -> None:
    native = BuildInfo(llama_cpp_version="0.3.36",
                       llama_cpp_system_info="CPU : AVX2 = 1 | AVX512 = 1 | AVX512_VNNI = 1")
    (problem,) = diagnose(OK, native, CPU, NO_GPU)
    assert problem.severity == "error" and "AVX512, AVX512_VNNI" in problem.message


def test_unused_gpu_is_a_warning_naming_the_cuda_build() -> None:
    gpu = GpuInfo("CPU", False, (), "550.54", "/usr/bin/nvidia-smi")
    problems = diagnose(OK, PORTABLE, CPU, gpu)
    assert [(p.component, p.severity) for p in problems] == [("llamacpp", "warning"),
                                                             ("transformers", "warning")]
    assert "-DGGML_CUDA=on" in problems[0].fix
