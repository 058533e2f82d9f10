"""The one boundary where Hub JSON (through ``huggingface_hub.ModelInfo``) becomes our record.

Parsing is tolerant: any field may be missing, of an unexpected type, or unknown. Past this
module no raw Hub dictionaries travel; the response cache stores :class:`HubModel` dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from lineage._ids import as_list
from lineage._relation import (
    QUANT_FILES,
    QUANT_TAGS,
    card_keywords,
    card_teachers,
    gguf_quant_from_name,
)

# What the children listing and model_info ask for with `expand`: everything a node needs.
EXPAND = [
    "cardData",
    "tags",
    "siblings",
    "sha",
    "downloads",
    "likes",
    "gated",
    "gguf",
    "library_name",
    "lastModified",
    "config",
]


@dataclass(frozen=True, slots=True)
class HubModel:
    """What the crawler needs to know about one Hub repo."""

    id: str
    sha: str | None = None
    gated: bool = False
    disabled: bool = False
    downloads: int | None = None
    likes: int | None = None
    library_name: str | None = None
    license: str | None = None
    tags: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    card_base_models: tuple[str, ...] = ()
    card_relation: str | None = None
    card_teachers: tuple[str, ...] = ()
    card_keywords: tuple[str, ...] = ()
    last_modified: str | None = None
    quant_method: str | None = None
    quant_bits: int | None = None
    gguf_architecture: str | None = None

    @classmethod
    def from_model_info(cls, info: Any) -> HubModel:
        """Parse a ``huggingface_hub.ModelInfo`` (list item or model_info answer)."""
        card = _card_dict(getattr(info, "card_data", None))
        tags = tuple(t for t in (getattr(info, "tags", None) or ()) if isinstance(t, str))
        siblings = getattr(info, "siblings", None) or ()
        files = tuple(
            s.rfilename for s in siblings if isinstance(getattr(s, "rfilename", None), str)
        )
        config = getattr(info, "config", None)
        quant = config.get("quantization_config") if isinstance(config, Mapping) else None
        quant = quant if isinstance(quant, Mapping) else {}
        gguf = getattr(info, "gguf", None)
        gated = getattr(info, "gated", None)
        return cls(
            id=str(info.id),
            sha=_str(getattr(info, "sha", None)),
            gated=bool(gated) and gated != "false",
            disabled=bool(getattr(info, "disabled", False)),
            downloads=_int(getattr(info, "downloads", None)),
            likes=_int(getattr(info, "likes", None)),
            library_name=_str(getattr(info, "library_name", None) or card.get("library_name")),
            license=_license(card, tags),
            tags=tags,
            files=files,
            card_base_models=tuple(as_list(card.get("base_model"))),
            card_relation=_str(card.get("base_model_relation")),
            card_teachers=card_teachers(card),
            card_keywords=card_keywords(card),
            last_modified=_iso(getattr(info, "last_modified", None)),
            quant_method=_str(quant.get("quant_method")),
            quant_bits=_int(quant.get("bits") or quant.get("w_bit")),
            gguf_architecture=_str(gguf.get("architecture")) if isinstance(gguf, Mapping) else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HubModel:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("tags", "files", "card_base_models", "card_teachers", "card_keywords"):
            fields[key] = tuple(fields.get(key) or ())
        return cls(**fields)

    # --- derived facts for the node record ----------------------------------------------------
    @property
    def gguf_files(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.lower().endswith(".gguf"))

    @property
    def formats(self) -> tuple[str, ...]:
        return formats_of(self.files, self.tags, self.quant_method)

    @property
    def quantization(self) -> str | None:
        return quantization_of(self.gguf_files, self.quant_method, self.quant_bits, self.tags)


def formats_of(files: tuple[str, ...], tags: tuple[str, ...], quant_method: str | None) -> tuple[
    str, ...
]:
    """Weight formats present: safetensors, gguf, pytorch, plus gptq/awq/exl2/bnb when seen."""
    out: list[str] = []
    lowered = [f.lower() for f in files]
    if any(f.endswith(".safetensors") for f in lowered):
        out.append("safetensors")
    if any(f.endswith(".gguf") for f in lowered):
        out.append("gguf")
    if any(f.endswith((".bin", ".pt", ".pth")) and "training_args" not in f for f in lowered):
        out.append("pytorch")
    methods = {QUANT_FILES[f.rsplit("/", 1)[-1]] for f in lowered if f.rsplit("/", 1)[-1] in
               QUANT_FILES}
    if quant_method:
        methods.add("bnb" if quant_method == "bitsandbytes" else quant_method.lower())
    methods |= {("bnb" if t == "bitsandbytes" else t) for t in (x.lower() for x in tags)
                if t in QUANT_TAGS and t not in ("4-bit", "8-bit")}
    out.extend(sorted(m for m in methods if m not in out))
    return tuple(out)


def quantization_of(
    gguf_files: tuple[str, ...], quant_method: str | None, bits: int | None, tags: tuple[str, ...]
) -> str | None:
    """A short quantization label: GGUF types (comma-joined), else ``method-Nbit``."""
    kinds = sorted({q for q in (gguf_quant_from_name(f) for f in gguf_files) if q})
    if kinds:
        return ",".join(kinds)
    if quant_method:
        return f"{quant_method}-{bits}bit" if bits else quant_method
    lowered = {t.lower() for t in tags}
    for tag in ("gptq", "awq", "exl2", "exl3", "bitsandbytes", "4-bit", "8-bit"):
        if tag in lowered:
            return tag
    return None


def _card_dict(card: Any) -> dict[str, Any]:
    if card is None:
        return {}
    if isinstance(card, Mapping):
        return dict(card)
    to_dict = getattr(card, "to_dict", None)
    try:
        data = to_dict() if callable(to_dict) else {}
    except Exception:  # a malformed card must not stop the crawl
        return {}
    return data if isinstance(data, dict) else {}


def _license(card: Mapping[str, Any], tags: tuple[str, ...]) -> str | None:
    value = card.get("license")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str) and value.strip():
        return value.strip()
    for tag in tags:
        if tag.startswith("license:"):
            return tag.split(":", 1)[1]
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return _str(value)
