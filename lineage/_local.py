"""What a local model folder (or a single GGUF file) says about its own lineage.

Read without network: README front matter (``base_model``, ``base_model_relation``, license),
``adapter_config.json`` (``base_model_name_or_path``), ``mergekit_config.yml`` (every model it
merges), ``config.json`` (``_name_or_path``, ``quantization_config``) and each GGUF file's
``general.*`` metadata through the fast header reader.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.gguf import SkippedArray, file_type_name, read_gguf_metadata
from auditor.safeio import (
    FRONT_MATTER,
    MERGE_CONFIG,
    MODEL_CONFIG,
    check_path,
    decode_text,
    human_size,
    load_json_file,
    load_yaml_file,
    parse_yaml,
    read_bytes,
)
from lineage._ids import as_list

log = logging.getLogger(__name__)

_HF_CACHE = re.compile(r"^models--(?P<org>[^/]+?)--(?P<name>[^/]+)$")
_MAX_FILES = 5000
_MAX_ENTRIES = 200_000


@dataclass(frozen=True, slots=True)
class GgufFacts:
    """Lineage-relevant metadata of one GGUF file."""

    file: str
    quantization: str | None
    type: str
    source: str | None
    bases: tuple[str, ...]
    license: str | None


@dataclass(frozen=True, slots=True)
class LocalModel:
    """One folder's (or GGUF file's) own statements."""

    path: Path
    name: str
    hub_id: str | None
    sha: str | None
    card: dict[str, Any]
    files: tuple[str, ...]
    adapter_base: str | None
    merge_models: tuple[str, ...]
    merge_method: str | None
    config_name: str | None
    quant_method: str | None
    quant_bits: int | None
    ggufs: tuple[GgufFacts, ...]
    last_modified: str | None

    @property
    def card_bases(self) -> list[str]:
        return as_list(self.card.get("base_model"))

    @property
    def license(self) -> str | None:
        value = self.card.get("license")
        if isinstance(value, str) and value.strip():
            return value.strip()
        return next((g.license for g in self.ggufs if g.license), None)


def read_local_model(path: str | Path) -> LocalModel:
    """Read a model folder or a ``.gguf`` file; raises InputError when it does not exist."""
    p = _existing(path)
    folder = p if p.is_dir() else p.parent
    files = _list_files(p)
    hub_id, sha = _hf_cache_identity(p)
    config = _read_json(folder / "config.json") if p.is_dir() else {}
    quant = config.get("quantization_config")
    quant = quant if isinstance(quant, dict) else {}
    adapter = _read_json(folder / "adapter_config.json") if p.is_dir() else {}
    method, merged = _read_mergekit(folder / "mergekit_config.yml") if p.is_dir() else (None, ())
    gguf_paths = [p] if p.is_file() else [folder / f for f in files if f.lower().endswith(".gguf")]
    return LocalModel(
        path=p,
        name=p.name,
        hub_id=hub_id,
        sha=sha,
        card=_front_matter(folder / "README.md") if p.is_dir() else {},
        files=files,
        adapter_base=_str(adapter.get("base_model_name_or_path")),
        merge_models=merged,
        merge_method=method,
        config_name=_str(config.get("_name_or_path")),
        quant_method=_str(quant.get("quant_method")),
        quant_bits=quant.get("bits") if isinstance(quant.get("bits"), int) else None,
        ggufs=tuple(g for g in (_gguf_facts(gp) for gp in sorted(gguf_paths)) if g),
        last_modified=_mtime(p, files),
    )


def _existing(path: str | Path) -> Path:
    """``path`` resolved, or InputError: missing, too long for the OS, NUL bytes, ``~nobody``."""
    try:
        p = check_path(path).expanduser()
        if not p.exists():
            raise InputError(f"local model {path} does not exist")
        return p.resolve()
    except (OSError, RuntimeError) as exc:
        text = str(path)
        shown = text if len(text) <= 200 else f"{text[:200]}... ({len(text)} characters)"
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(f"local model {shown} cannot be opened ({reason})") from None


def _list_files(p: Path) -> tuple[str, ...]:
    """Regular files under ``p`` (hidden ones left out), at most ``_MAX_FILES`` of them, found
    by looking at no more than ``_MAX_ENTRIES`` entries: a huge tree is cut, not walked."""
    if p.is_file():
        return (p.name,)
    out: list[str] = []
    seen = 0
    for root, dirs, names in os.walk(p):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        seen += len(dirs) + len(names)
        rel = Path(root).relative_to(p)
        for name in sorted(names):
            if not name.startswith(".") and os.path.isfile(os.path.join(root, name)):
                out.append((rel / name).as_posix())
        if len(out) >= _MAX_FILES or seen >= _MAX_ENTRIES:
            log.warning("%s holds more than %d files; only the first are read", p, len(out))
            break
    return tuple(sorted(out)[:_MAX_FILES])


def _hf_cache_identity(p: Path) -> tuple[str | None, str | None]:
    """``.../models--org--name/snapshots/<sha>`` (the huggingface_hub cache) names its repo."""
    parts = p.parts
    for i in range(len(parts) - 2):
        match = _HF_CACHE.match(parts[i])
        if match and parts[i + 1] == "snapshots":
            return f"{match['org']}/{match['name']}", parts[i + 2]
    return None, None


def split_front_matter(text: str) -> str | None:
    """The YAML between a first line ``---`` and the next line that is ``---``, or None.

    One pass over the lines (a regular expression here went quadratic on ``---`` followed by
    many newlines); a byte-order mark and trailing whitespace on the fences are allowed.
    """
    lines = text.removeprefix("\ufeff").split("\n")
    if len(lines) < 2 or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        line = lines[i]
        if line.startswith("---") and not line[3:].strip():
            return "\n".join(lines[1:i])
    return None


def _front_matter(readme: Path) -> dict[str, Any]:
    """The card's front matter; a card that cannot be read or parsed is ignored (warning)."""
    if not _present(readme):
        return {}
    try:
        head = read_bytes(readme, FRONT_MATTER, truncate=True)
        truncated = len(head) >= FRONT_MATTER.cap
        block = split_front_matter(decode_text(head, readme, partial=truncated))
        if block is None:
            if truncated and head.startswith((b"---", b"\xef\xbb\xbf---")):
                log.warning("%s: front matter not closed within the first %s (the cap); "
                            "ignored", readme, human_size(FRONT_MATTER.cap))
            return {}
        data = parse_yaml(block, f"{readme} front matter")
    except InputError as exc:
        log.warning("%s; the card is ignored", exc)
        return {}
    return data if isinstance(data, dict) else {}


def _present(path: Path) -> bool:
    """Something is at ``path`` (a FIFO or a dangling link too: the reader says what)."""
    return os.path.lexists(path)


def _read_json(path: Path) -> dict[str, Any]:
    if not _present(path):
        return {}
    try:
        data = load_json_file(path, MODEL_CONFIG)
    except InputError as exc:
        log.warning("%s; ignored", exc)
        return {}
    return data if isinstance(data, dict) else {}


def _read_mergekit(path: Path) -> tuple[str | None, tuple[str, ...]]:
    if not _present(path):
        return None, ()
    try:
        data = load_yaml_file(path, MERGE_CONFIG)
    except InputError as exc:
        log.warning("%s; ignored", exc)
        return None, ()
    if not isinstance(data, dict):
        return None, ()
    refs: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, dict):
            value = value.get("model")
        if isinstance(value, str) and value.strip():
            ref = value.split("+", 1)[0].strip()  # "model+lora" merges a LoRA into the model
            if ref and ref not in refs:
                refs.append(ref)

    add(data.get("base_model"))
    for entry in _entries(data.get("models")):
        add(entry)
    for piece in _entries(data.get("slices")):
        if isinstance(piece, dict):
            for source in _entries(piece.get("sources")):
                add(source)
    return _str(data.get("merge_method")), tuple(refs)


def _entries(value: Any) -> list[Any]:
    """A mergekit list field (``models:``, ``slices:``, ``sources:``); anything else is empty
    (``models: 5`` is a malformed config, not a crash)."""
    return list(value) if isinstance(value, list) else []


def _gguf_facts(path: Path) -> GgufFacts | None:
    try:
        meta = read_gguf_metadata(path)
    except InputError as exc:
        log.warning("%s", exc)
        return None
    source = _str(meta.get("general.source.repo_url")) or _str(
        meta.get("general.source.huggingface.repository")
    )
    bases = []
    count = meta.get("general.base_model.count")
    for i in range(count if isinstance(count, int) and count < 64 else 0):
        url = _str(meta.get(f"general.base_model.{i}.repo_url"))
        org = _str(meta.get(f"general.base_model.{i}.organization"))
        name = _str(meta.get(f"general.base_model.{i}.name"))
        ref = url or (f"{org}/{name}" if org and name else name)
        if ref:
            bases.append(ref)
    license_ = meta.get("general.license")
    return GgufFacts(
        file=path.name,
        quantization=file_type_name(meta.get("general.file_type")),
        type=_str(meta.get("general.type")) or "model",
        source=source,
        bases=tuple(bases),
        license=license_ if isinstance(license_, str) and not isinstance(license_, SkippedArray)
        else None,
    )


def _mtime(p: Path, files: tuple[str, ...]) -> str | None:
    try:
        stamps = [p.stat().st_mtime] + [
            (p / f).stat().st_mtime for f in files[:200] if p.is_dir()
        ]
    except OSError:
        return None
    return datetime.fromtimestamp(max(stamps), UTC).isoformat(timespec="seconds").replace(
        "+00:00", "Z"
    )


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
