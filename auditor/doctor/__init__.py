"""``auditor doctor``: is this installation able to run an audit, and if not, what to fix.

``run_doctor()`` returns a :class:`DoctorReport`: package versions, which backends import and
whether each really decodes (tiny models built on the spot, every native step in a child
process so a crash is reported, not suffered), optional executors, the CPU and its features,
how llama.cpp and torch were built, GPUs, Hub settings (whether a token is set, never its
value), cache folders and free disk, and the problems found with their fixes.

``runtime_build()`` (llama.cpp's compiled features, torch's build) is recorded in every
report's provenance too. The tiny-model builders are shared with the test suite.
"""

from auditor.doctor._build_info import BuildInfo, GpuDevice, parse_system_info, runtime_build
from auditor.doctor._checks import LISTED, BackendCheck, DecodeCheck, check_backends
from auditor.doctor._isolate import call_isolated
from auditor.doctor._report import DoctorReport, Problem, fix_for, run_doctor
from auditor.doctor._system import (
    CacheInfo,
    CpuInfo,
    ExecutorInfo,
    GpuInfo,
    HubInfo,
    PackageInfo,
    cpu_features,
    missing_cpu_features,
    read_cpu,
)
from auditor.doctor._tiny_models import (
    CHAT_TEMPLATE,
    SPECIAL_TOKENS,
    build_tiny_gguf,
    build_tiny_hf_model,
    build_tokenizer,
)

__all__ = [
    "CHAT_TEMPLATE",
    "LISTED",
    "SPECIAL_TOKENS",
    "BackendCheck",
    "BuildInfo",
    "CacheInfo",
    "CpuInfo",
    "DecodeCheck",
    "DoctorReport",
    "ExecutorInfo",
    "GpuDevice",
    "GpuInfo",
    "HubInfo",
    "PackageInfo",
    "Problem",
    "build_tiny_gguf",
    "build_tiny_hf_model",
    "build_tokenizer",
    "call_isolated",
    "check_backends",
    "cpu_features",
    "fix_for",
    "missing_cpu_features",
    "parse_system_info",
    "read_cpu",
    "run_doctor",
    "runtime_build",
]
