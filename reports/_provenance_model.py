"""The report's provenance records: what ran, on what, with which versions and builds."""

from __future__ import annotations

from dataclasses import dataclass

from reports._bounds import Count, Int64


@dataclass(frozen=True, slots=True)
class PackageVersion:
    name: str
    version: str


@dataclass(frozen=True, slots=True)
class ModelProvenance:
    """A model's identity as evaluated (from the store's identity record)."""

    id: str
    key: str
    reference: str | None = None
    repo_id: str | None = None
    revision: str | None = None
    file: str | None = None
    file_sha256: str | None = None
    format: str | None = None
    quantization: str | None = None
    backend: str | None = None
    dtype: str | None = None
    chat_template: str | None = None
    # OpenSSF model-signing result (auditor.attest.check_model_signature(...).label()):
    # "signed-valid", "signed-invalid (...)", "unsigned", "unverifiable (...)"; None: not checked
    signature: str | None = None


@dataclass(frozen=True, slots=True)
class SuiteProvenance:
    """A suite as evaluated: its name, item count and :func:`auditor.suites.suite_hash` of the
    items used, the hash ``auditor suites show`` prints (see :mod:`reports._model`)."""

    name: str
    n_items: Count
    hash: str


@dataclass(frozen=True, slots=True)
class GenerationSetting:
    hash: str
    settings_json: str


@dataclass(frozen=True, slots=True)
class JudgeProvenance:
    judge_id: str
    rubric_hash: str
    n_verdicts: Count


@dataclass(frozen=True, slots=True)
class RuntimeBuild:
    """How the native libraries that generated were built (``None``: not installed).

    ``llama_cpp_system_info`` is llama.cpp's ``llama_print_system_info()`` verbatim: the CPU
    features it was compiled for. ``torch_build``: ``CPU``, ``CUDA 12.4`` or ``ROCm 6.2``,
    with the widest CPU kernels torch uses (``CPU, AVX512 kernels``).
    """

    llama_cpp_version: str | None = None
    llama_cpp_system_info: str | None = None
    torch_version: str | None = None
    torch_build: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Everything needed to reproduce or check the run.

    ``build`` (optional, added in place: files written before it load with ``None``) is
    recorded by ``auditor audit``, whose process ran the backends; a report rebuilt from a
    store by ``auditor report`` cannot know it.
    """

    tool_version: str
    python_version: str
    platform: str
    packages: tuple[PackageVersion, ...]
    models: tuple[ModelProvenance, ...]
    suites: tuple[SuiteProvenance, ...]
    seeds: tuple[Int64, ...]
    generation_settings: tuple[GenerationSetting, ...]
    judges: tuple[JudgeProvenance, ...]
    store: str
    lineage_source: str
    first_generation_at: str | None
    last_generation_at: str | None
    last_verdict_at: str | None
    build: RuntimeBuild | None = None
