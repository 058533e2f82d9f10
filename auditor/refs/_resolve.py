"""``resolve_reference``: any model reference to a :class:`ResolvedModel`."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from auditor.errors import ModelReferenceError
from auditor.refs._adapter import is_adapter_folder, resolve_adapter
from auditor.refs._formats import describe_folder, describe_gguf
from auditor.refs._hashing import file_sha256, folder_sha256
from auditor.refs._identity import ModelIdentity, ResolvedModel
from auditor.refs._parse import ParsedReference, parse_reference


def resolve_reference(
    ref: str,
    *,
    allow_pickle: bool = False,
    cache_dir: Path | None = None,
    base: str | None = None,
) -> ResolvedModel:
    """Resolve a reference (local folder or GGUF, PEFT adapter folder or Hub repo, Hub repo,
    Hub GGUF, OpenAI server).

    Hub references download only the files the model needs (into the huggingface_hub cache,
    or ``cache_dir``), with the revision pinned to a commit sha. Local weights are hashed.
    A PEFT adapter (a folder, or a Hub repo with ``adapter_config.json`` and adapter weights;
    the Hub one downloads its adapter files only) resolves to format ``peft`` with its base
    resolved too: ``base`` (a reference) when given, else the adapter's recorded
    ``base_model_name_or_path`` (:class:`~auditor.errors.InputError` when that cannot be
    followed, saying to pass ``base``; an adapter is never another adapter's base). ``base``
    is ignored for anything but an adapter.
    Raises :class:`~auditor.errors.ModelReferenceError` for a bad or missing reference,
    :class:`~auditor.errors.UnsafeCheckpointError` for a Hub repo with only pickle weights
    (a model's or an adapter's) when ``allow_pickle`` is false, and
    :class:`~auditor.errors.HubError` subclasses when the Hub fails.
    """
    return _resolve(parse_reference(ref), allow_pickle=allow_pickle, cache_dir=cache_dir,
                    base=base, adapters=True)


def _resolve(
    parsed: ParsedReference,
    *,
    allow_pickle: bool,
    cache_dir: Path | None,
    base: str | None,
    adapters: bool,
) -> ResolvedModel:
    """``resolve_reference``; ``adapters`` False when resolving an adapter's base (stacked
    adapters are not supported, and this stops a cycle)."""
    if parsed.kind == "openai":
        identity = ModelIdentity(
            reference=parsed.text,
            format="remote",
            backend="openai",
            base_url=parsed.base_url,
            remote_model=parsed.model,
            chat_template="server",
        )
        return ResolvedModel(identity, credentials=parsed.credentials)

    def resolve_base(text: str) -> ResolvedModel:
        return _resolve(parse_reference(text), allow_pickle=allow_pickle, cache_dir=cache_dir,
                        base=None, adapters=False)

    if parsed.kind == "local":
        assert parsed.path is not None
        folder = parsed.path.resolve()
        if parsed.selector is None and folder.is_dir() and is_adapter_folder(folder):
            if not adapters:
                raise ModelReferenceError(f"{parsed.text} is itself a PEFT adapter, not a model")
            return resolve_adapter(parsed, folder, base=base, resolve=resolve_base)
        return _resolve_local(parsed)
    from auditor.refs._hub import resolve_hub

    return resolve_hub(parsed, allow_pickle=allow_pickle, cache_dir=cache_dir, base=base,
                       resolve_base=resolve_base if adapters else None)


def _resolve_local(parsed: ParsedReference) -> ResolvedModel:
    assert parsed.path is not None
    path = parsed.path.resolve()
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ModelReferenceError(
                f"{parsed.text} is a file but not a .gguf file; pass the model folder instead"
            )
        gguf_info = describe_gguf(path)
        return _local_gguf(parsed, path, path.parent, file=path.name, local_name=path.name,
                           quantization=gguf_info.quantization,
                           architecture=gguf_info.architecture)
    info = describe_folder(path, parsed.selector)
    if info.format == "gguf":
        assert info.gguf_file is not None
        return _local_gguf(parsed, path / info.gguf_file, path, file=info.gguf_file,
                           local_name=f"{path.name}/{info.gguf_file}",
                           quantization=info.quantization, architecture=info.architecture)
    identity = ModelIdentity(
        reference=parsed.text,
        format=info.format,
        file_sha256=folder_sha256(path),
        quantization=info.quantization,
        dtype=info.dtype,
        local_name=path.name,
        extra=_architecture(info.architecture),
    )
    return ResolvedModel(identity, path, path, path)


def _local_gguf(parsed: ParsedReference, gguf: Path, folder: Path, *, file: str,
                local_name: str, quantization: str | None,
                architecture: str | None) -> ResolvedModel:
    """A local GGUF file (given itself, or as the file of a folder), hashed; its tokenizer is
    the folder's when the folder has one."""
    identity = ModelIdentity(
        reference=parsed.text,
        format="gguf",
        file=file,
        file_sha256=file_sha256(gguf),
        quantization=quantization,
        local_name=local_name,
        extra=_architecture(architecture),
    )
    tokenizer = folder if (folder / "tokenizer_config.json").is_file() else None
    return ResolvedModel(identity, gguf, folder, tokenizer)


def _architecture(architecture: str | None) -> tuple[tuple[str, str], ...]:
    return (("architecture", architecture),) if architecture else ()


def reference_to_key(ref_or_key: str, known_keys: Collection[str] = ()) -> str:
    """A stored model key from a reference or a key (``auditor results --model``, ``compare``).

    A key present in ``known_keys`` (or shaped like a stored local/openai key) passes through.
    A Hub reference ``org/name`` or ``org/name@rev`` matching exactly one known key of that repo
    (revision prefix) is answered without the network; anything else is resolved.
    """
    text = ref_or_key.strip()
    if text in known_keys or text.startswith("local:"):
        return text
    if text.startswith("openai:"):
        return resolve_reference(text).key
    repo, _, rest = text.partition("@")
    rev, _, selector = rest.partition(":") if rest else ("", "", "")
    if not rest and ":" in repo:
        repo, _, selector = repo.partition(":")
    candidates = [
        k
        for k in known_keys
        if k.startswith(f"{repo}@")
        and k[len(repo) + 1 :].startswith(rev[:12])
        and (not selector or k.endswith(f":{selector}") or _quant_in_key(k, selector))
    ]
    if len(candidates) == 1 and not Path(text).expanduser().exists():
        return candidates[0]
    return resolve_reference(text).key


def _quant_in_key(key: str, selector: str) -> bool:
    from auditor.refs._formats import quant_from_name

    _, _, file = key.partition(":")
    return bool(file) and (quant_from_name(file.rsplit("/", 1)[-1]) or "") == selector.upper()
