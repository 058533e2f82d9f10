"""Backends registered by name; third parties add theirs through the ``auditor.backends``
entry-point group (the entry point names a factory ``(ResolvedModel, BackendOptions) ->
Backend``)."""

from __future__ import annotations

import importlib.util
import logging
from importlib.metadata import entry_points

from auditor.backends._protocol import Backend, BackendFactory
from auditor.backends._types import BackendOptions
from auditor.errors import BackendUnavailableError, UsageError
from auditor.refs._identity import ResolvedModel

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "auditor.backends"

_REGISTRY: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Register (or replace) a backend factory under ``name``."""
    _REGISTRY[name] = factory


def _load_entry_points() -> None:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in _REGISTRY:
            continue
        try:
            _REGISTRY[ep.name] = ep.load()
        except Exception as exc:  # a broken plug-in must not break the built-in backends
            log.warning("cannot load backend plug-in %s (%s): %s", ep.name, ep.value, exc)


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
        raise UsageError(
            f"unknown backend {name!r}; choose one of {['auto', *backend_names()]}"
        ) from None


def auto_backend_name(resolved: ResolvedModel) -> str:
    """The backend ``auto`` picks: openai for remote models, llama.cpp for GGUF (transformers
    when llama-cpp-python is not installed), transformers for everything else."""
    fmt = resolved.identity.format
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
    """Load ``resolved`` with the named backend (``auto`` picks by format)."""
    chosen = auto_backend_name(resolved) if name == "auto" else name
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
    log.info("loading %s with the %s backend", resolved.identity.reference, chosen)
    return factory(resolved, options or BackendOptions())


def _builtin(module: str, attr: str) -> BackendFactory:
    def factory(resolved: ResolvedModel, options: BackendOptions) -> Backend:
        mod = importlib.import_module(f"auditor.backends.{module}")
        built: Backend = getattr(mod, attr)(resolved, options)
        return built

    return factory


register_backend("transformers", _builtin("_transformers", "TransformersBackend"))
register_backend("llamacpp", _builtin("_llamacpp", "LlamaCppBackend"))
register_backend("openai", _builtin("_openai", "OpenAIBackend"))
