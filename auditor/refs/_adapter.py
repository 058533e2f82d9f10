"""PEFT adapters: ``adapter_config.json`` + ``adapter_model.*`` applied to a base model, from a
local folder or a Hub repository (downloaded by ``_hub.py`` into a snapshot folder first).

The base is the model the adapter names (``base_model_name_or_path``), resolved with the same
reference syntax as any model (a local folder, or ``org/name[@rev]`` on the Hub), or the one
given explicitly when the recorded one cannot be followed (a path on the trainer's machine).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.errors import HubError, InputError, ModelReferenceError, UnsafeCheckpointError
from auditor.refs._hashing import folder_sha256
from auditor.refs._identity import ModelIdentity, ResolvedModel
from auditor.refs._parse import ParsedReference
from auditor.safeio import MODEL_CONFIG, load_json_file

log = logging.getLogger(__name__)

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_SAFETENSORS = "adapter_model.safetensors"
ADAPTER_PICKLE = "adapter_model.bin"
# Formats a PEFT adapter can be applied to by the transformers backend.
BASE_FORMATS = ("safetensors", "pytorch")
BASE_HELP = (
    "pass the base model explicitly with --base REF (in Python: resolve_reference(ref, "
    "base=REF)): a local folder holding the base weights, or a Hub id org/name[@rev]"
)

Resolver = Callable[[str], ResolvedModel]
_MAX_BASE_NAME = 4096  # a path or a Hub id; longer is not a name the OS or the Hub takes


@dataclass(frozen=True, slots=True)
class AdapterConfig:
    """The fields of ``adapter_config.json`` this tool uses."""

    base_model: str | None  # base_model_name_or_path, as recorded
    peft_type: str | None  # "LORA", "IA3", ...


def is_adapter_files(names: Collection[str]) -> bool:
    """A PEFT adapter, from its file names: ``adapter_config.json`` with adapter weights, or
    without the ``config.json`` of a full checkpoint (a merged model that kept its adapter
    config is not an adapter)."""
    if ADAPTER_CONFIG not in names:
        return False
    if ADAPTER_SAFETENSORS in names or ADAPTER_PICKLE in names:
        return True
    return "config.json" not in names


def is_adapter_folder(folder: Path) -> bool:
    """A PEFT adapter folder (see :func:`is_adapter_files`)."""
    return is_adapter_files(folder_names(folder))


def adapter_weights(names: Collection[str], *, allow_pickle: bool, where: str) -> str:
    """The adapter's weight file among ``names``: safetensors first; pickle-only weights are
    refused unless ``allow_pickle`` (checked before any Hub download or any load)."""
    if ADAPTER_SAFETENSORS in names:
        return ADAPTER_SAFETENSORS
    if ADAPTER_PICKLE not in names:
        raise ModelReferenceError(
            f"{where} holds adapter_config.json but no adapter weights "
            f"({ADAPTER_SAFETENSORS} or {ADAPTER_PICKLE})"
        )
    if not allow_pickle:
        raise UnsafeCheckpointError(
            f"{where} holds its adapter weights as pickle ({ADAPTER_PICKLE}) only: unpickling "
            "a file from an untrusted repository can run arbitrary code on this machine. "
            "Convert it to safetensors, or pass --allow-pickle if you trust its source."
        )
    return ADAPTER_PICKLE


def folder_names(folder: Path) -> set[str]:
    """The names of the files directly in ``folder``."""
    return {p.name for p in folder.iterdir() if p.is_file()}


def read_adapter_config(folder: Path) -> AdapterConfig:
    path = folder / ADAPTER_CONFIG
    data = load_json_file(path, MODEL_CONFIG)
    if not isinstance(data, dict):
        raise InputError(f"{path} is not a JSON object")
    base = data.get("base_model_name_or_path")
    peft_type = data.get("peft_type")
    if isinstance(base, str) and len(base) > _MAX_BASE_NAME:
        raise InputError(f"{path}: base_model_name_or_path is {len(base)} characters long "
                         f"(at most {_MAX_BASE_NAME})")
    if isinstance(base, str) and "\0" in base:
        raise InputError(f"{path}: base_model_name_or_path holds a NUL character")
    return AdapterConfig(
        base_model=(base.strip() or None) if isinstance(base, str) else None,
        peft_type=(peft_type.strip()[:100] or None) if isinstance(peft_type, str) else None,
    )


def resolve_adapter(
    parsed: ParsedReference,
    folder: Path,
    *,
    base: str | None,
    resolve: Resolver,
    revision: str | None = None,
) -> ResolvedModel:
    """The adapter in ``folder`` applied to its base (``base`` overrides the recorded one).

    A local folder (``revision`` None): the identity records the adapter's own content hash
    (``file_sha256``, over every file of the folder) and the base's key; the key is
    ``local:<folder>#sha256:<12 hex>`` with the digest covering both, so it differs from the
    base's and from the same adapter on another base.

    A Hub repository (``parsed`` a Hub reference, ``folder`` its downloaded snapshot,
    ``revision`` the commit sha): the identity has ``repo_id`` and ``revision``, the base's
    key, and ``recorded_base`` (``base_model_name_or_path``) in ``extra``; the key is
    ``org/name@<sha12>+base:<base key>`` (see :attr:`ModelIdentity.key`).
    """
    label = parsed.text if revision is not None else str(folder)
    config = read_adapter_config(folder)
    # Pickle weights of a local folder are refused when loaded (backends/_peft.py).
    adapter_weights(folder_names(folder), allow_pickle=True, where=label)
    base_model = _resolve_base(label, config.base_model, base, resolve)
    base_id = base_model.identity
    extra = dict(base_id.extra)
    if config.peft_type:
        extra["peft_type"] = config.peft_type
    if revision is not None and config.base_model:
        extra["recorded_base"] = config.base_model
    common = ModelIdentity(
        reference=parsed.text,
        format="peft",
        quantization=base_id.quantization,
        dtype=base_id.dtype,
        base_key=base_id.key,
        base_reference=base_id.reference,
        extra=tuple(sorted(extra.items())),
    )
    if revision is None:
        identity = replace(common, file_sha256=folder_sha256(folder), local_name=folder.name)
    else:
        identity = replace(common, repo_id=parsed.repo_id, revision=revision)
    own_tokenizer = any((folder / n).is_file() for n in ("tokenizer_config.json",
                                                         "tokenizer.json"))
    tokenizer_dir = folder if own_tokenizer else base_model.tokenizer_dir
    log.info("adapter %s on base %s", label, base_id.key)
    return ResolvedModel(identity, folder, folder, tokenizer_dir, base=base_model)


def _resolve_base(
    label: str, recorded: str | None, explicit: str | None, resolve: Resolver
) -> ResolvedModel:
    if explicit is None and recorded is None:
        raise InputError(
            f"the adapter {label} does not name its base model (adapter_config.json has no "
            f"base_model_name_or_path); {BASE_HELP}"
        )
    reference = explicit if explicit is not None else str(recorded)
    try:
        base = resolve(reference)
    except (ModelReferenceError, HubError) as exc:
        if explicit is not None:
            message = (f"the base model given for the adapter {label} ({explicit}) cannot be "
                       f"resolved: {exc}")
        else:
            message = (f"the adapter {label} was trained on {recorded!r} (adapter_config.json "
                       f"base_model_name_or_path), which cannot be resolved here: {exc}; "
                       f"{BASE_HELP}")
        raise InputError(message) from exc
    fmt = base.identity.format
    if fmt not in BASE_FORMATS:
        raise InputError(
            f"the base of the adapter {label} ({base.identity.reference}) is {fmt}: an adapter "
            "is applied to a transformers checkpoint (safetensors, or pickle with "
            f"--allow-pickle); {BASE_HELP}"
        )
    return base
