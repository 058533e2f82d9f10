"""Fingerprints of local models: a folder of safetensors files (sharded or not) or a GGUF file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.fingerprint._ranges import LocalFiles
from auditor.fingerprint._record import Fingerprint
from auditor.fingerprint._safetensors import sample_safetensors
from auditor.safeio import MODEL_CONFIG, load_json_file

INDEX_FILE = "model.safetensors.index.json"


class MissingWeightsError(InputError):
    """The model has no weights a fingerprint can read (no safetensors, e.g. pickles only)."""


def shard_names(index: Any, where: str) -> list[str]:
    """The shard files an index's ``weight_map`` names, each a plain file name."""
    weight_map = index.get("weight_map") if isinstance(index, dict) else None
    if not isinstance(weight_map, dict):
        raise InputError(f"{where}: no weight_map object")
    names = sorted({str(v) for v in weight_map.values()})
    for name in names:
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(
                ".safetensors"):
            raise InputError(f"{where}: shard name {name!r} is not a plain .safetensors file")
    return names


def model_type(config: Any) -> str | None:
    value = config.get("model_type") if isinstance(config, dict) else None
    return str(value) if value else None


def fingerprint_folder(folder: Path, ref: str | None = None) -> Fingerprint:
    """The fingerprint of a local Hugging Face model folder."""
    index = folder / INDEX_FILE
    if index.is_file():
        files = shard_names(load_json_file(index, MODEL_CONFIG), str(index))
    else:
        files = sorted(p.name for p in folder.glob("*.safetensors") if p.is_file())
    if not files:
        raise MissingWeightsError(f"{folder} has no .safetensors weights to fingerprint")
    config = folder / "config.json"
    arch = model_type(load_json_file(config, MODEL_CONFIG)) if config.is_file() else None
    reader = LocalFiles(folder)
    samples, skipped = sample_safetensors(reader, files)
    return Fingerprint(ref or str(folder), "safetensors", arch, None, samples,
                       reader.bytes_read, tuple(skipped))
