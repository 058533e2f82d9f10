"""Resolve ``org/name[@rev][:QUANT]`` on the Hub: pin the revision, fetch only needed files.

A PEFT adapter repository (``adapter_config.json`` and adapter weights, no full checkpoint)
downloads its adapter files and tokenizer only, and is applied to its base (``_adapter.py``).
"""

from __future__ import annotations

import fnmatch
import logging
from pathlib import Path

from auditor.errors import ModelReferenceError, UnsafeCheckpointError
from auditor.hub import check_repo_file, hub_api, hub_request, resolve_endpoint
from auditor.refs._adapter import (
    ADAPTER_CONFIG,
    Resolver,
    adapter_weights,
    is_adapter_files,
    resolve_adapter,
)
from auditor.refs._formats import (
    PICKLE_SUFFIXES,
    choose_gguf,
    describe_gguf,
    describe_hf_config,
    with_load_quantization,
)
from auditor.refs._identity import ModelIdentity, ResolvedModel, load_time_quantization
from auditor.refs._parse import ParsedReference

log = logging.getLogger(__name__)

# A tokenizer and its chat template (an adapter repo may carry its own).
_TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "tokenizer.model",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "chat_template.jinja",
    "chat_template.json",
)
# Files a transformers checkpoint needs besides its weights.
_SIDE_FILES = (
    "config.json",
    "generation_config.json",
    *_TOKENIZER_FILES,
    "preprocessor_config.json",
    "quantize_config.json",
    "quant_config.json",
)


def _weight_files(names: list[str], allow_pickle: bool, where: str) -> list[str]:
    safetensors = [n for n in names if n.endswith(".safetensors") or n.endswith(
        ".safetensors.index.json")]
    if safetensors:
        return safetensors
    pickles = [n for n in names if n.endswith(PICKLE_SUFFIXES) or n.endswith(".bin.index.json")]
    if pickles and not allow_pickle:
        raise UnsafeCheckpointError(
            f"{where} has only pickle weights ({', '.join(sorted(pickles)[:3])}); loading a "
            "pickle file can run arbitrary code from the repository. Pass --allow-pickle only "
            "if you trust it."
        )
    if not pickles:
        raise ModelReferenceError(f"{where} holds no safetensors, pickle or GGUF weights")
    return pickles


def _tokenizer_files(names: list[str]) -> list[str]:
    return [n for n in names if n in _TOKENIZER_FILES or fnmatch.fnmatch(n, "tokenizer*")]


def resolve_hub(
    parsed: ParsedReference,
    *,
    allow_pickle: bool = False,
    cache_dir: Path | None = None,
    base: str | None = None,
    resolve_base: Resolver | None = None,
) -> ResolvedModel:
    """Pin the revision, choose and download the needed files, describe them.

    An adapter repository is applied to ``base`` (a reference) or else to the base its
    adapter_config.json names, resolved with ``resolve_base``; without ``resolve_base`` (when
    this repo is itself being resolved as some adapter's base) an adapter is refused.
    """
    assert parsed.repo_id is not None
    where = f"{parsed.repo_id}@{parsed.revision}" if parsed.revision else parsed.repo_id
    api = hub_api()
    info = hub_request(
        lambda: api.model_info(parsed.repo_id or "", revision=parsed.revision), what=where
    )
    sha = str(info.sha or parsed.revision or "")
    names = [s.rfilename for s in (info.siblings or [])]
    has_config = "config.json" in names
    ggufs = [n for n in names if n.lower().endswith(".gguf")]
    on_load = load_time_quantization(parsed.selector)
    selector = None if on_load else parsed.selector
    if on_load is not None:  # the full-precision checkpoint, quantized as it loads
        if not has_config:
            raise ModelReferenceError(f"{where}:{on_load}: {on_load} quantizes a full-precision "
                                      f"checkpoint as it loads; {where} has no config.json")
        ggufs = []
    if selector is None and is_adapter_files(names):
        if on_load is not None:
            raise ModelReferenceError(f"{where}:{on_load}: {where} is a PEFT adapter; quantize "
                                      "its base instead")
        if resolve_base is None:
            raise ModelReferenceError(f"{where} is itself a PEFT adapter, not a model")
        wanted = [ADAPTER_CONFIG, adapter_weights(names, allow_pickle=allow_pickle, where=where)]
        local = _download(parsed.repo_id, sha, wanted + _tokenizer_files(names), cache_dir)
        folder = _snapshot_folder(local[ADAPTER_CONFIG], ADAPTER_CONFIG)
        return resolve_adapter(parsed, folder, base=base, resolve=resolve_base, revision=sha)
    if selector is not None or (ggufs and not has_config):
        wanted = choose_gguf(names, selector, where)
    else:
        if not has_config:
            raise ModelReferenceError(f"{where} holds neither config.json nor GGUF files")
        wanted = _weight_files(names, allow_pickle, where)
    side = [n for n in names if n in _SIDE_FILES or fnmatch.fnmatch(n, "tokenizer*")]
    if ggufs and selector is not None:
        side = [n for n in side if n != "config.json"]  # a GGUF carries its own config
    local = _download(parsed.repo_id, sha, wanted + side, cache_dir)
    folder = _snapshot_folder(local[wanted[0]], wanted[0])
    return _describe(parsed, sha, folder, wanted, names, on_load)


def _download(
    repo_id: str, sha: str, names: list[str], cache_dir: Path | None
) -> dict[str, Path]:
    """Each of ``names`` at the pinned revision, into the huggingface_hub cache."""
    from huggingface_hub import hf_hub_download

    endpoint = resolve_endpoint()
    local: dict[str, Path] = {}
    for name in sorted(set(names)):
        check_repo_file(name, f"{repo_id}@{sha[:12]}")

        def fetch(name: str = name) -> str:
            return str(hf_hub_download(repo_id, name, revision=sha, endpoint=endpoint,
                                       cache_dir=cache_dir))

        local[name] = Path(hub_request(fetch, what=f"{repo_id}/{name}@{sha[:12]}"))
    return local


def _snapshot_folder(path: Path, name: str) -> Path:
    folder = path
    for _ in name.split("/"):
        folder = folder.parent
    return folder


def _describe(
    parsed: ParsedReference, sha: str, folder: Path, wanted: list[str], names: list[str],
    on_load: str | None = None,
) -> ResolvedModel:
    assert parsed.repo_id is not None
    if wanted[0].lower().endswith(".gguf"):
        gguf = describe_gguf(folder / wanted[0])
        identity = ModelIdentity(
            reference=parsed.text,
            format="gguf",
            repo_id=parsed.repo_id,
            revision=sha,
            file=wanted[0],
            quantization=gguf.quantization,
            extra=(("architecture", gguf.architecture),) if gguf.architecture else (),
        )
        tok = folder if (folder / "tokenizer_config.json").is_file() else None
        return ResolvedModel(identity, folder / wanted[0], folder, tok)
    from auditor.refs._formats import read_config

    info = describe_hf_config(read_config(folder), names)
    if on_load is not None:
        info = with_load_quantization(info, on_load, f"{parsed.repo_id}@{sha[:12]}")
    identity = ModelIdentity(
        reference=parsed.text,
        format=info.format,
        repo_id=parsed.repo_id,
        revision=sha,
        quantization=info.quantization,
        dtype=info.dtype,
        extra=(("architecture", info.architecture),) if info.architecture else (),
    )
    return ResolvedModel(identity, folder, folder, folder)
