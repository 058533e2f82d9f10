"""What a folder or file of weights is: format, quantization, dtype, GGUF choice."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from auditor.errors import InputError, ModelReferenceError
from auditor.gguf import file_type_name, read_gguf_metadata
from auditor.refs._identity import load_time_quantization
from auditor.safeio import MODEL_CONFIG, load_json_file

log = logging.getLogger(__name__)

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
_QUANT = re.compile(
    r"(?<![A-Za-z0-9])(I?Q[1-8]_[A-Z0-9_]+?|Q[1-8]_[0-9]|Q[1-8]_K(?:_[SML])?|F16|F32|BF16|"
    r"TQ[12]_0|IQ[1-4]_[A-Z]+)(?=[.-]|$)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class WeightsInfo:
    """What the weights in a folder (or one GGUF file) are."""

    format: str
    quantization: str | None
    dtype: str | None
    gguf_file: str | None = None  # relative to the folder
    architecture: str | None = None


def quant_from_name(name: str) -> str | None:
    """The quantization named in a GGUF file name (``model-Q4_K_M.gguf`` -> ``Q4_K_M``)."""
    stem = _SPLIT.sub(".gguf", name)
    matches = _QUANT.findall(stem)
    return matches[-1].upper() if matches else None


def gguf_metadata(path: Path) -> dict[str, Any]:
    """A few scalar or string header fields of a GGUF file (a field of another type is left
    out), and its quantization name from ``file_type``."""
    header = read_gguf_metadata(path)
    out: dict[str, Any] = {
        k: header[k] for k in _GGUF_KEYS if isinstance(header.get(k), str | int | float)
    }
    quantization = file_type_name(header.get("general.file_type"))
    if quantization is not None:
        out["quantization"] = quantization
    return out


_GGUF_KEYS = ("general.architecture", "general.file_type", "general.name", "general.finetune",
              "tokenizer.chat_template")


def describe_gguf(path: Path) -> WeightsInfo:
    meta = gguf_metadata(path)
    quant = quant_from_name(path.name) or meta.get("quantization")
    arch = meta.get("general.architecture")
    return WeightsInfo(
        format="gguf",
        quantization=quant,
        dtype=None,
        gguf_file=path.name,
        architecture=str(arch) if arch else None,
    )


def choose_gguf(names: list[str], selector: str | None, where: str) -> list[str]:
    """The GGUF file(s) a selector picks (all parts of a split file), or a clear error."""
    ggufs = sorted(n for n in names if n.lower().endswith(".gguf"))
    if not ggufs:
        raise ModelReferenceError(f"{where} holds no .gguf file")
    if selector is None:
        if len(ggufs) == 1:
            return ggufs
        firsts = [n for n in ggufs if not _SPLIT.search(n) or "-00001-of-" in n]
        if len(firsts) == 1:
            return [n for n in ggufs if _same_split(n, firsts[0])]
        raise ModelReferenceError(
            f"{where} holds several GGUF files; pick one with :QUANT or :FILE "
            f"(available: {', '.join(_available(ggufs))})"
        )
    if selector.lower().endswith(".gguf"):
        chosen = [n for n in ggufs if n == selector or n.rsplit("/", 1)[-1] == selector]
    else:
        chosen = [n for n in ggufs if (quant_from_name(n.rsplit("/", 1)[-1]) or "") ==
                  selector.upper()]
    if not chosen:
        raise ModelReferenceError(
            f"{where} has no GGUF file for {selector!r} "
            f"(available: {', '.join(_available(ggufs))})"
        )
    first = [n for n in chosen if not _SPLIT.search(n) or "-00001-of-" in n]
    if len(first) > 1:
        raise ModelReferenceError(
            f"{selector!r} matches several GGUF files in {where}: {', '.join(first)}; "
            "name the file instead"
        )
    return [n for n in chosen if _same_split(n, first[0])] if first else chosen


def _same_split(name: str, first: str) -> bool:
    return _SPLIT.sub("", name) == _SPLIT.sub("", first)


def _available(ggufs: list[str]) -> list[str]:
    quants = [quant_from_name(n.rsplit("/", 1)[-1]) or n for n in ggufs if "-0000" not in n
              or "-00001-of-" in n]
    return sorted(set(quants))


def read_config(folder: Path) -> dict[str, Any]:
    """``config.json`` of a model folder ({} when there is none), read through the bounded
    reader: InputError for a FIFO or device, a file over the cap, bad UTF-8 or bad JSON."""
    config = folder / "config.json"
    if not os.path.lexists(config):
        return {}
    data = load_json_file(config, MODEL_CONFIG)
    if not isinstance(data, dict):
        raise InputError(f"{config}: expected a JSON object, got {type(data).__name__}")
    return data


def describe_hf_config(config: dict[str, Any], weight_names: list[str]) -> WeightsInfo:
    """Format/quantization/dtype of an HF checkpoint from its config and weight file names."""
    dtype = _scalar(config.get("dtype")) or _scalar(config.get("torch_dtype"))
    quant_cfg = config.get("quantization_config")
    quant_cfg = quant_cfg if isinstance(quant_cfg, dict) else {}
    method = (_scalar(quant_cfg.get("quant_method")) or "").lower()
    archs = config.get("architectures")
    arch = (_scalar(archs[0]) if isinstance(archs, list) and archs else None) or _scalar(
        config.get("model_type"))
    if method in ("gptq", "awq"):
        bits = _scalar(quant_cfg.get("bits")) or _scalar(quant_cfg.get("w_bit"))
        label = f"{method}-{bits}bit" if bits else method
        return WeightsInfo(method, label, str(dtype) if dtype else None, architecture=arch)
    if any(n.endswith(".safetensors") for n in weight_names):
        fmt = "safetensors"
    elif any(n.endswith(PICKLE_SUFFIXES) for n in weight_names):
        fmt = "pytorch"
    else:
        fmt = "safetensors"
    quant: str | None = method or (str(dtype) if dtype else None)
    return WeightsInfo(fmt, quant, str(dtype) if dtype else None, architecture=arch)


def _scalar(value: Any) -> str | None:
    """A config value that should be a short name (``bfloat16``, ``gptq``, ``4``) as text;
    None for anything else (a list, an object, an empty string)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text[:100] if text else None


def with_load_quantization(info: WeightsInfo | None, method: str, where: str) -> WeightsInfo:
    """``info`` of a full-precision checkpoint, to be quantized with ``method`` as it loads
    (:data:`~auditor.refs._identity.LOAD_TIME_QUANTIZATIONS`); anything else is refused."""
    if info is None or info.format not in ("safetensors", "pytorch"):
        what = "not a Hugging Face model folder" if info is None else f"a {info.format} model"
        raise ModelReferenceError(
            f"{where}:{method}: {method} quantizes a full-precision checkpoint (safetensors) as "
            f"it loads; {where} is {what}")
    return replace(info, quantization=method)


def describe_folder(folder: Path, selector: str | None) -> WeightsInfo:
    """Describe a local model folder (HF format, or GGUF files with an optional selector; a
    ``bnb-nf4`` / ``bnb-int8`` selector asks for the HF checkpoint quantized on load)."""
    names = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    config = read_config(folder)
    on_load = load_time_quantization(selector)
    if on_load is not None:
        info = describe_hf_config(config, names) if config else None
        return with_load_quantization(info, on_load, str(folder))
    ggufs = [n for n in names if n.lower().endswith(".gguf")]
    if selector is not None or (ggufs and not config):
        chosen = choose_gguf(names, selector, str(folder))
        info = describe_gguf(folder / chosen[0])
        return WeightsInfo("gguf", info.quantization, None, chosen[0], info.architecture)
    if not config:
        raise ModelReferenceError(
            f"{folder} is neither a Hugging Face model folder (no config.json) nor a folder of "
            "GGUF files"
        )
    return describe_hf_config(config, names)
