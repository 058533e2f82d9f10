"""What a local model folder (or a single GGUF file) says about its own lineage.

Read without network: README front matter (``base_model``, ``base_model_relation``, license),
``adapter_config.json`` (``base_model_name_or_path``), ``mergekit_config.yml`` (every model it
merges), ``config.json`` (``_name_or_path``, ``quantization_config``) and each GGUF file's
``general.*`` metadata through the fast header reader.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import InputError
from lineage._gguf import SkippedArray, file_type_name, read_gguf_metadata
from lineage._ids import as_list

log = logging.getLogger(__name__)

_HF_CACHE = re.compile(r"^models--(?P<org>[^/]+?)--(?P<name>[^/]+)$")
_MAX_FILES = 5000


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
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"local model {path} does not exist")
    p = p.resolve()
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


def _list_files(p: Path) -> tuple[str, ...]:
    if p.is_file():
        return (p.name,)
    out = []
    for f in sorted(p.rglob("*")):
        if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
            out.append(f.relative_to(p).as_posix())
            if len(out) >= _MAX_FILES:
                break
    return tuple(out)


def _hf_cache_identity(p: Path) -> tuple[str | None, str | None]:
    """``.../models--org--name/snapshots/<sha>`` (the huggingface_hub cache) names its repo."""
    parts = p.parts
    for i in range(len(parts) - 2):
        match = _HF_CACHE.match(parts[i])
        if match and parts[i + 1] == "snapshots":
            return f"{match['org']}/{match['name']}", parts[i + 2]
    return None, None


def _front_matter(readme: Path) -> dict[str, Any]:
    try:
        text = readme.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    match = re.match(r"^\ufeff?---\s*\n(.*?)\n---\s*(\n|$)", text, re.S)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        log.warning("%s: front matter is not valid YAML (%s); ignored", readme, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("%s is not valid JSON (%s); ignored", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _read_mergekit(path: Path) -> tuple[str | None, tuple[str, ...]]:
    if not path.is_file():
        return None, ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        log.warning("%s is not valid YAML (%s); ignored", path, exc)
        return None, ()
    if not isinstance(data, dict):
        return None, ()
    refs: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, dict):
            value = value.get("model")
        if isinstance(value, str) and value.strip():
            ref = value.split("+", 1)[0].strip()  # "model+lora" merges a LoRA into the model
            if ref not in refs:
                refs.append(ref)

    add(data.get("base_model"))
    for entry in data.get("models") or []:
        add(entry)
    for piece in data.get("slices") or []:
        for source in (piece or {}).get("sources") or []:
            add(source)
    return _str(data.get("merge_method")), tuple(refs)


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
