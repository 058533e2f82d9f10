"""Provenance and methods blocks: what a second auditor needs to check or repeat the run."""

from __future__ import annotations

import platform
from collections.abc import Iterable, Sequence

from auditor.compare import ModelData
from auditor.suites import item_set_hash
from auditor.versions import installed_version
from reports._model import (
    JudgeAgreement,
    Methods,
)
from reports._provenance_model import (
    GenerationSetting,
    JudgeProvenance,
    ModelProvenance,
    PackageVersion,
    Provenance,
    RuntimeBuild,
    SuiteProvenance,
)

# Distributions whose versions can change a result; reported when installed (never imported).
PACKAGES = (
    "supply-chain-auditor",
    "numpy",
    "scipy",
    "statsmodels",
    "jinja2",
    "huggingface-hub",
    "transformers",
    "torch",
    "tokenizers",
    "safetensors",
    "peft",
    "llama-cpp-python",
    "gguf",
)
_IDENTITY_FIELDS = (
    "reference",
    "repo_id",
    "revision",
    "file",
    "file_sha256",
    "format",
    "quantization",
    "backend",
    "dtype",
    "chat_template",
)


def package_versions(names: Iterable[str] = PACKAGES) -> tuple[PackageVersion, ...]:
    found = ((name, installed_version(name)) for name in names)
    return tuple(PackageVersion(name, version) for name, version in found if version)


def tool_version() -> str:
    from auditor import __version__

    return __version__


def model_provenance(member_id: str, md: ModelData) -> ModelProvenance:
    ident = md.identity
    values = {f: ident.get(f) for f in _IDENTITY_FIELDS}
    clean = {k: (str(v) if v not in (None, "") else None) for k, v in values.items()}
    return ModelProvenance(id=member_id, key=md.key, **clean)


def provenance(
    models: Sequence[tuple[str, ModelData]],
    *,
    judge_id: str,
    store_label: str,
    lineage_label: str,
    build: RuntimeBuild | None = None,
) -> Provenance:
    """Provenance of exactly the generations and verdicts the report used; ``build``: how
    the native libraries that generated were built (see :func:`runtime_build`)."""
    gens = [g for _, md in models for g in md.generations]
    verdicts = [v for _, md in models for v in md.verdicts]
    suites: dict[str, set[tuple[str, str]]] = {}
    for g in gens:
        suites.setdefault(g.suite, set()).add((g.item_id, g.item_hash))
    settings = {g.gen_config_hash: g.gen_config_json for g in gens}
    rubrics: dict[str, int] = {}
    for v in verdicts:
        rubrics[v.rubric_hash] = rubrics.get(v.rubric_hash, 0) + 1
    times = sorted(g.created_at for g in gens if g.created_at)
    vtimes = sorted(v.created_at for v in verdicts if v.created_at)
    return Provenance(
        tool_version=tool_version(),
        python_version=platform.python_version(),
        platform=platform.platform(terse=True),
        packages=package_versions(),
        models=tuple(model_provenance(name, md) for name, md in models),
        suites=tuple(
            SuiteProvenance(name, len(items), item_set_hash(items))
            for name, items in sorted(suites.items())
        ),
        seeds=tuple(sorted({g.seed for g in gens})),
        generation_settings=tuple(GenerationSetting(h, j) for h, j in sorted(settings.items())),
        judges=tuple(JudgeProvenance(judge_id, r, n) for r, n in sorted(rubrics.items())),
        store=store_label,
        lineage_source=lineage_label,
        first_generation_at=times[0] if times else None,
        last_generation_at=times[-1] if times else None,
        last_verdict_at=vtimes[-1] if vtimes else None,
        build=build,
    )


def runtime_build(libraries: frozenset[str] = frozenset({"llama_cpp", "torch"})
                  ) -> RuntimeBuild:
    """The builds of ``libraries`` (llama.cpp's, torch's) in this environment, as the report
    records them.

    Read by :func:`auditor.doctor.runtime_build`: in child processes unless this process has
    imported the library already (a crashing build is reported there, and recorded here as
    unknown); a child costs a few seconds of imports.
    """
    from auditor.doctor import runtime_build as collect

    info = collect(libraries=libraries)
    torch = info.torch_build
    if torch and info.torch_cpu_capability:
        torch = f"{torch}, {info.torch_cpu_capability} kernels"
    return RuntimeBuild(
        llama_cpp_version=info.llama_cpp_version,
        llama_cpp_system_info=info.llama_cpp_system_info,
        torch_version=info.torch_version,
        torch_build=torch,
    )


def power_statement(rises: Sequence[float | None], ns: Sequence[int], alpha: float) -> str:
    """What this run could and could not have detected (Connor 1987, 80% power)."""
    known = [r for r in rises if r is not None]
    if not ns:
        return "No derivative was compared, so nothing could be detected."
    n_lo, n_hi = min(ns), max(ns)
    items = f"{n_lo}" if n_lo == n_hi else f"{n_lo}–{n_hi}"
    if not known:
        return (
            f"With {items} scored harmful items per comparison, no rise in unsafe compliance "
            "could be detected with 80% power: add items."
        )
    worst, best = max(known), min(known)
    rise = (
        f"{worst * 100:.1f} points in unsafe compliance"
        if abs(worst - best) < 5e-4
        else f"{worst * 100:.1f} points in unsafe compliance for every derivative "
        f"({best * 100:.1f} points for the best-powered one)"
    )
    return (
        f"With {items} scored harmful items per comparison and the discordance observed, this "
        f"run could detect a rise of {rise}, with 80% power at one-sided α = {alpha:g}; "
        "smaller rises could go unnoticed, and Holm's correction across the family makes the "
        "detectable rise somewhat larger."
    )


def methods(
    *,
    alpha: float,
    margin: float,
    rises: Sequence[float | None],
    ns: Sequence[int],
    judge_id: str,
    rubric_hash: str,
    agreement: JudgeAgreement | Sequence[JudgeAgreement] | None,
    suites: Sequence[str],
    samples_per_item: int,
    limits: Sequence[str],
    unsafe_definition: str = "",
) -> Methods:
    known = [r for r in rises if r is not None]
    agreements = (agreement,) if isinstance(agreement, JudgeAgreement) else tuple(agreement or ())
    stance = next((a for a in agreements if a.dimension == "stance"), None)
    return Methods(
        primary_test="McNemar mid-p, one-sided (derivative worse), on items paired by content hash",
        ci_method="Tango asymptotic score interval (95%)",
        noninferiority_test="Tango score test of H0: Δ ≥ +margin",
        family_correction="Holm across the derivatives of the report (FWER)",
        category_correction="McNemar mid-p per category, Holm within the derivative",
        alpha=alpha,
        margin=margin,
        power_statement=power_statement(rises, ns, alpha),
        detectable_rise=max(known) if known else None,
        judge_id=judge_id,
        judge_rubric_hash=rubric_hash,
        judge_agreement=stance or (agreements[0] if agreements else None),
        suites=tuple(suites),
        samples_per_item=samples_per_item,
        limits=tuple(limits),
        judge_agreements=agreements,
        unsafe_definition=unsafe_definition,
    )
