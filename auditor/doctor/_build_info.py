"""What the native libraries were built for: llama.cpp's compiled CPU features, torch's build.

A llama.cpp compiled with ``-march=native`` on one CPU can crash on another (or, for
llama-cpp-python 0.3.36 on AVX-512 EPYCs, on the machine that built it), and a CPU-only torch
silently ignores a GPU. Both are invisible in package versions, so this is recorded beside
them: in ``auditor doctor`` and in every report's provenance.

Each library is read in its own child process (:func:`~auditor.doctor._isolate.call_isolated`)
unless asked otherwise: a library built for instructions this CPU lacks dies on import, and
that must be reported, not kill the caller.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from auditor.doctor._isolate import call_isolated
from auditor.errors import AuditorError
from auditor.versions import installed_version

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GpuDevice:
    """One GPU as torch or nvidia-smi sees it."""

    name: str
    memory_gib: float | None = None


@dataclass(frozen=True, slots=True)
class BuildInfo:
    """How llama.cpp and torch were built here; ``None`` where the library is not installed.

    ``llama_cpp_system_info`` is ``llama_print_system_info()`` verbatim (the CPU features it
    was compiled for, e.g. ``CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | ...``). ``torch_build`` is
    ``CPU``, ``CUDA 12.4`` or ``ROCm 6.2``; ``torch_cpu_capability`` the widest CPU kernels it
    uses (``AVX512``, ``AVX2``, ...). ``*_error`` says why a library could not be read (a crash
    names its signal).
    """

    llama_cpp_version: str | None = None
    llama_cpp_system_info: str | None = None
    llama_cpp_gpu_offload: bool | None = None
    llama_cpp_error: str | None = None
    torch_version: str | None = None
    torch_build: str | None = None
    torch_cpu_capability: str | None = None
    torch_config: str | None = None
    torch_cuda_available: bool | None = None
    torch_devices: tuple[GpuDevice, ...] = ()
    torch_error: str | None = None

    @property
    def llama_cpp_features(self) -> dict[str, bool]:
        """The features in the system-info string: ``{"AVX2": True, "AVX512": False, ...}``."""
        return parse_system_info(self.llama_cpp_system_info or "")


def parse_system_info(text: str) -> dict[str, bool]:
    """``CPU : SSE3 = 1 | AVX = 1 | ... |`` as ``{"SSE3": True, "AVX": True, ...}``."""
    features: dict[str, bool] = {}
    for part in text.replace("\n", "|").split("|"):
        if "=" not in part:
            continue
        name, _, value = part.rpartition("=")
        name = name.rsplit(":", 1)[-1].strip()
        if name:
            features[name] = value.strip() not in ("0", "")
    return features


def runtime_build(*, isolated: bool = True,
                  libraries: frozenset[str] = frozenset({"llama_cpp", "torch"})) -> BuildInfo:
    """The builds of ``libraries`` (llama.cpp's, torch's) in this environment, each read only
    when installed.

    ``isolated`` (the default) reads each in a child process, so a crashing build is reported
    in ``*_error`` instead of ending this one, unless this process has imported it already
    (then it is read here: no second import of torch); ``False`` imports them here.
    """
    if not isolated:
        return _merge(llama_cpp_build() if "llama_cpp" in libraries else BuildInfo(),
                      torch_build() if "torch" in libraries else BuildInfo())
    with ThreadPoolExecutor(max_workers=2) as pool:
        llama = pool.submit(_isolated, llama_cpp_build, "llama_cpp", "reading llama.cpp's build",
                            "llama_cpp" in libraries)
        torch = pool.submit(_isolated, torch_build, "torch", "reading torch's build",
                            "torch" in libraries)
        return _merge(llama.result(), torch.result())


def _isolated(fn: Any, module: str, doing: str, wanted: bool) -> BuildInfo:
    if not wanted or importlib.util.find_spec(module) is None:
        return BuildInfo()
    if module in sys.modules:  # already loaded here: reading it costs nothing and risks nothing
        loaded: BuildInfo = fn()
        return loaded
    try:
        info: BuildInfo = call_isolated(fn, doing=doing, timeout=120)
        return info
    except AuditorError as exc:
        log.info("%s: %s", doing, exc)
        if module == "llama_cpp":
            return BuildInfo(llama_cpp_version=installed_version("llama-cpp-python"),
                             llama_cpp_error=str(exc))
        return BuildInfo(torch_version=installed_version("torch"), torch_error=str(exc))


def _merge(llama: BuildInfo, torch: BuildInfo) -> BuildInfo:
    return replace(
        torch,
        llama_cpp_version=llama.llama_cpp_version,
        llama_cpp_system_info=llama.llama_cpp_system_info,
        llama_cpp_gpu_offload=llama.llama_cpp_gpu_offload,
        llama_cpp_error=llama.llama_cpp_error,
    )


def llama_cpp_build() -> BuildInfo:
    """llama-cpp-python's version, system-info string and GPU offload (imports it)."""
    if importlib.util.find_spec("llama_cpp") is None:
        return BuildInfo()
    import llama_cpp

    raw = llama_cpp.llama_print_system_info()
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    return BuildInfo(
        llama_cpp_version=str(getattr(llama_cpp, "__version__", "")) or None,
        llama_cpp_system_info=text.strip().rstrip("|").strip(),
        llama_cpp_gpu_offload=bool(llama_cpp.llama_supports_gpu_offload()),
    )


def torch_build() -> BuildInfo:
    """torch's version, CUDA/ROCm/CPU build, CPU kernels, config summary, visible GPUs."""
    if importlib.util.find_spec("torch") is None:
        return BuildInfo()
    import torch

    if torch.version.cuda:
        build = f"CUDA {torch.version.cuda}"
    elif getattr(torch.version, "hip", None):
        build = f"ROCm {torch.version.hip}"
    else:
        build = "CPU"
    capability = None
    cpu = getattr(torch.backends, "cpu", None)
    if cpu is not None and hasattr(cpu, "get_cpu_capability"):
        capability = str(cpu.get_cpu_capability())
    available = bool(torch.cuda.is_available())
    devices: tuple[GpuDevice, ...] = ()
    if available:
        devices = tuple(
            GpuDevice(props.name, round(props.total_memory / 2**30, 1))
            for props in map(torch.cuda.get_device_properties, range(torch.cuda.device_count()))
        )
    return BuildInfo(
        torch_version=str(torch.__version__),
        torch_build=build,
        torch_cpu_capability=capability,
        torch_config=config_summary(str(torch.__config__.show())),
        torch_cuda_available=available,
        torch_devices=devices,
    )


def config_summary(shown: str) -> str:
    """The bullet lines of ``torch.__config__.show()`` without the long build-settings line."""
    lines = []
    for line in shown.splitlines():
        item = line.strip().removeprefix("- ").strip()
        if not line.startswith("  - ") or item.startswith("Build settings"):
            continue
        lines.append(item)
    return "; ".join(lines)


__all__ = [
    "BuildInfo",
    "GpuDevice",
    "config_summary",
    "llama_cpp_build",
    "parse_system_info",
    "runtime_build",
    "torch_build",
]
