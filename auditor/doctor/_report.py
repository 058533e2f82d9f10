"""``run_doctor``: everything :mod:`auditor.doctor` checks, as one record, with its verdict.

Healthy means no *error* problem: every built-in backend that is installed decoded its tiny
models, and llama.cpp was not compiled for CPU features this machine lacks. A backend that
is not installed is not broken (they are optional extras), and the openai backend, which
needs a server, is listed but not counted. Every error names its component and the fix.
"""

from __future__ import annotations

import logging
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from auditor.doctor._build_info import BuildInfo, runtime_build
from auditor.doctor._checks import BackendCheck, DecodeCheck, check_backends
from auditor.doctor._system import (
    CacheInfo,
    CpuInfo,
    ExecutorInfo,
    GpuInfo,
    HubInfo,
    PackageInfo,
    missing_cpu_features,
    package_versions,
    python_summary,
    read_caches,
    read_cpu,
    read_executors,
    read_gpu,
    read_hub,
)
from auditor.plugins import BrokenPlugin, check_plugins
from auditor.quantize import ConverterStatus, converter_status

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: The portable llama.cpp build of the Makefile (scripts/install-llama-cpp.sh).
PORTABLE_CMAKE_ARGS = ("-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON "
                       "-DGGML_F16C=ON -DGGML_BMI2=ON")
GPU_CMAKE_ARGS = "-DGGML_NATIVE=OFF -DGGML_CUDA=on"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong (``error``: exit 1) or worth knowing (``warning``), and its fix."""

    component: str
    severity: Literal["error", "warning"]
    message: str
    fix: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DoctorReport:
    """What ``auditor doctor`` found; ``auditor doctor --json`` prints exactly this.

    ``healthy`` is derived: no problem of severity ``error``.
    """

    schema_version: int = SCHEMA_VERSION
    healthy: bool = field(init=False)
    tool_version: str
    python: str
    packages: tuple[PackageInfo, ...]
    backends: tuple[BackendCheck, ...]
    decodes: tuple[DecodeCheck, ...]
    executors: tuple[ExecutorInfo, ...]
    converter: ConverterStatus  # llama.cpp's HF->GGUF converter, for --quantize
    cpu: CpuInfo
    gpu: GpuInfo
    build: BuildInfo
    hub: HubInfo
    caches: tuple[CacheInfo, ...]
    problems: tuple[Problem, ...]
    seconds: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "healthy",
                           not any(p.severity == "error" for p in self.problems))


def run_doctor(*, decode: bool = True, threads: int | None = None) -> DoctorReport:
    """Check this installation (see the module docstring); ``decode=False`` skips the tiny
    models and their decodes (the rest takes about a second)."""
    from auditor import __version__
    from auditor.backends import backend_names

    start = time.perf_counter()
    registered = tuple(backend_names())
    with ThreadPoolExecutor(max_workers=1) as pool, \
            tempfile.TemporaryDirectory(prefix="auditor-doctor-") as tmp:
        build_future = pool.submit(runtime_build)
        backends, decodes = check_backends(Path(tmp), registered=registered, threads=threads,
                                           decode=decode)
        build = build_future.result()
    cpu = read_cpu()
    gpu = read_gpu(build.torch_build, build.torch_cuda_available, build.torch_devices)
    converter = converter_status()
    return DoctorReport(
        tool_version=__version__,
        python=python_summary(),
        packages=package_versions(),
        backends=backends,
        decodes=decodes,
        executors=read_executors(),
        converter=converter,
        cpu=cpu,
        gpu=gpu,
        build=build,
        hub=read_hub(),
        caches=read_caches(),
        problems=diagnose(backends, build, cpu, gpu, plugins=check_plugins())
        + converter_problems(converter),
        seconds=round(time.perf_counter() - start, 1),
    )


def converter_problems(converter: ConverterStatus) -> tuple[Problem, ...]:
    """A warning when ``--quantize`` cannot make GGUF variants (the rest works without)."""
    if converter.present and converter.matches_llama_cpp is not False:
        return ()
    if converter.present:
        message = (f"the converter ({converter.version}) is not from the installed "
                   "llama-cpp-python")
    else:
        message = f"--quantize cannot make GGUF variants: {converter.reason}"
    return (Problem("quantize", "warning", message,
                    "scripts/install-llama-cpp.sh --convert-only .venv/bin/python"),)


def diagnose(backends: tuple[BackendCheck, ...], build: BuildInfo, cpu: CpuInfo,
             gpu: GpuInfo, *, plugins: tuple[BrokenPlugin, ...] = ()) -> tuple[Problem, ...]:
    """The problems, errors first, each with its fix. A broken third-party plug-in is a
    warning: the tool works without it."""
    problems = [
        Problem(b.name, "error", f"the {b.name} backend is broken: {b.error}",
                fix_for(b.name, build))
        for b in backends if b.works is False
    ]
    missing = missing_cpu_features(build.llama_cpp_features, cpu)
    if missing:
        problems.append(Problem(
            "llamacpp", "error",
            f"llama.cpp was compiled for {', '.join(missing)}, which this CPU lacks "
            "(it will die with SIGILL)", fix_for("llamacpp", build)))
    if build.llama_cpp_error and not any(p.component == "llamacpp" for p in problems):
        problems.append(Problem("llamacpp", "error",
                                f"llama.cpp cannot be imported: {build.llama_cpp_error}",
                                fix_for("llamacpp", build)))
    if build.torch_error and not any(p.component == "transformers" for p in problems):
        problems.append(Problem("transformers", "error",
                                f"torch cannot be imported: {build.torch_error}",
                                fix_for("transformers", build)))
    problems += _gpu_warnings(build, gpu)
    problems += [Problem(p.name, "warning", p.describe(),
                         f"reinstall (or uninstall) the package that provides {p.target}")
                 for p in plugins]
    return tuple(problems)


def _gpu_warnings(build: BuildInfo, gpu: GpuInfo) -> list[Problem]:
    """A GPU the driver sees but a library ignores: slow, not broken."""
    if gpu.driver_version is None:
        return []
    out = []
    if build.llama_cpp_gpu_offload is False:
        out.append(Problem(
            "llamacpp", "warning", "this machine has an NVIDIA GPU, but llama.cpp was built "
            "for the CPU only", f'make clean venv LLAMA_CMAKE_ARGS="{GPU_CMAKE_ARGS}" (or '
            f'CMAKE_ARGS="{GPU_CMAKE_ARGS}" pip install --force-reinstall --no-cache-dir '
            "--no-binary llama-cpp-python llama-cpp-python)"))
    if build.torch_version and build.torch_cuda_available is False:
        out.append(Problem(
            "transformers", "warning", f"this machine has an NVIDIA GPU, but torch "
            f"{build.torch_version} ({build.torch_build}) cannot use it",
            "install a CUDA build of torch that matches the driver "
            "(https://pytorch.org/get-started/locally/)"))
    return out


def fix_for(backend: str, build: BuildInfo) -> str:
    """How to repair a broken backend."""
    if backend == "llamacpp":
        pin = f"=={build.llama_cpp_version}" if build.llama_cpp_version else ""
        return (
            "rebuild llama-cpp-python for a portable CPU baseline, not -march=native: in a "
            "checkout of this project `make clean venv` (its default LLAMA_CMAKE_ARGS); "
            f'elsewhere CMAKE_ARGS="{PORTABLE_CMAKE_ARGS}" pip install --force-reinstall '
            f"--no-cache-dir --no-binary llama-cpp-python llama-cpp-python{pin}; with an "
            f'NVIDIA GPU use CMAKE_ARGS="{GPU_CMAKE_ARGS}"'
        )
    if backend == "transformers":
        return (
            "reinstall torch and transformers: pip install --force-reinstall "
            "'supply-chain-auditor[hf]' (on a CPU-only machine install the CPU torch first: "
            "pip install torch --index-url https://download.pytorch.org/whl/cpu)"
        )
    return f"reinstall (or uninstall) the package that provides the {backend} backend"


__all__ = ["SCHEMA_VERSION", "DoctorReport", "Problem", "diagnose", "fix_for", "run_doctor"]
