"""Backends registered by name; third parties add theirs through the ``auditor.backends``
entry-point group (the entry point names a factory ``(ResolvedModel, BackendOptions) ->
Backend``); a broken plug-in is handled as :mod:`auditor.plugins` says."""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import cast

from auditor.backends._protocol import Backend, BackendFactory
from auditor.backends._types import BackendOptions
from auditor.errors import BackendUnavailableError, UsageError
from auditor.plugins import BACKEND_PLUGINS, load_plugins, plugin_failure
from auditor.refs import ResolvedModel

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = BACKEND_PLUGINS

_REGISTRY: dict[str, BackendFactory] = {}
_IN_WORKER: set[str] = set()  # backends whose native code runs in a worker process


def register_backend(name: str, factory: BackendFactory, *, in_worker: bool = False) -> None:
    """Register (or replace) a backend factory under ``name``.

    ``in_worker``: load and run it in a child process (see :mod:`auditor.backends._worker`)
    unless the options say ``in_worker=False``; the factory must then be importable by
    reference (a module-level function or class).
    """
    _REGISTRY[name] = factory
    if in_worker:
        _IN_WORKER.add(name)
    else:
        _IN_WORKER.discard(name)


def runs_in_worker(name: str, options: BackendOptions) -> bool:
    """Whether backend ``name`` is loaded in a worker process under ``options``."""
    if options.in_worker is not None:
        return options.in_worker
    return name in _IN_WORKER


def _load_entry_points() -> None:
    """Register the plug-ins not registered yet; a broken one is warned about and left out."""
    found = load_plugins(ENTRY_POINT_GROUP, skip=_REGISTRY)
    _REGISTRY.update((name, cast(BackendFactory, factory)) for name, factory in found.items())


def backend_names() -> list[str]:
    """Names of every registered backend (built-in and plug-ins)."""
    _load_entry_points()
    return sorted(_REGISTRY)


def get_backend(name: str) -> BackendFactory:
    """The factory registered under ``name`` (a :class:`UsageError` lists the known names)."""
    if name not in _REGISTRY:
        _load_entry_points()
    try:
        return _REGISTRY[name]
    except KeyError:
        broken = plugin_failure(ENTRY_POINT_GROUP, name)
        if broken is not None:
            raise BackendUnavailableError(f"backend {broken.describe()}") from None
        raise UsageError(
            f"unknown backend {name!r}; choose one of {['auto', *backend_names()]}"
        ) from None


VLLM_FORMATS = frozenset({"safetensors", "peft"})  # what vllm loads without an opt-in


def prefers_vllm(fmt: str, device: str, *, vllm_installed: bool, gpus: int) -> bool:
    """``auto`` picks vllm for safetensors models (and adapters) on a GPU when it is installed."""
    wanted_gpu = device == "auto" or device.startswith("cuda")
    return fmt in VLLM_FORMATS and wanted_gpu and vllm_installed and gpus > 0


def _cuda_devices() -> int:
    import torch

    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def auto_backend_name(resolved: ResolvedModel, device: str = "auto") -> str:
    """The backend ``auto`` picks: openai for remote models, llama.cpp for GGUF (transformers
    when llama-cpp-python is not installed), vllm for safetensors models on a GPU when vLLM is
    installed (:func:`prefers_vllm`), transformers for everything else (bitsandbytes variants
    among them)."""
    fmt = resolved.identity.format
    installed = importlib.util.find_spec("vllm") is not None
    if resolved.identity.quantized_on_load:  # bitsandbytes, as transformers loads it
        return "transformers"
    if fmt in VLLM_FORMATS and installed and prefers_vllm(
            fmt, device, vllm_installed=True, gpus=_cuda_devices()):
        return "vllm"
    if fmt == "remote":
        return "openai"
    if fmt == "gguf":
        if importlib.util.find_spec("llama_cpp") is not None:
            return "llamacpp"
        if importlib.util.find_spec("transformers") is None:
            raise BackendUnavailableError(
                "a GGUF model needs llama-cpp-python: pip install 'supply-chain-auditor[gguf]'"
            )
        return "transformers"
    return "transformers"


def load_backend(
    resolved: ResolvedModel, name: str = "auto", options: BackendOptions | None = None
) -> Backend:
    """Load ``resolved`` with the named backend (``auto`` picks by format), in a worker
    process when the backend is registered so (llama.cpp) unless ``options.in_worker`` is
    False."""
    options = options or BackendOptions()
    chosen = auto_backend_name(resolved, options.device) if name == "auto" else name
    if resolved.identity.format == "remote" and chosen != "openai":
        raise UsageError(f"{resolved.identity.reference} is a remote model: use --backend openai")
    if chosen == "openai" and resolved.identity.format != "remote":
        raise UsageError("--backend openai needs a reference openai:BASE_URL#model")
    if chosen == "llamacpp" and resolved.identity.format != "gguf":
        raise UsageError(
            f"--backend llamacpp loads GGUF files only; {resolved.identity.reference} is "
            f"{resolved.identity.format}: use --backend transformers"
        )
    factory = get_backend(chosen)
    if isinstance(factory, _Builtin):
        factory.preflight(resolved)
    if runs_in_worker(chosen, options):
        from auditor.backends._worker import WorkerBackend

        log.info("loading %s with the %s backend in a worker process",
                 resolved.identity.reference, chosen)
        return WorkerBackend(factory, resolved, options)
    log.info("loading %s with the %s backend", resolved.identity.reference, chosen)
    return factory(resolved, options)


@dataclass(frozen=True, slots=True)
class _Builtin:
    """A built-in backend class, imported on first use; picklable, so it can go to a worker.

    ``preflight`` (a function of the module, if any) runs in this process before loading:
    cheap checks that give a clear error instead of a crashed worker.
    """

    module: str
    attr: str

    def _module(self) -> ModuleType:
        return importlib.import_module(f"auditor.backends.{self.module}")

    def preflight(self, resolved: ResolvedModel) -> None:
        check = getattr(self._module(), "preflight", None)
        if check is not None:
            check(resolved)

    def __call__(self, resolved: ResolvedModel, options: BackendOptions) -> Backend:
        built: Backend = getattr(self._module(), self.attr)(resolved, options)
        return built


register_backend("transformers", _Builtin("_transformers", "TransformersBackend"))
register_backend("llamacpp", _Builtin("_llamacpp", "LlamaCppBackend"), in_worker=True)
register_backend("openai", _Builtin("_openai", "OpenAIBackend"))
register_backend("vllm", _Builtin("_vllm", "VllmBackend"))
