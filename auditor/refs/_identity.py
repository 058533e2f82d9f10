"""The model identity recorded with every result, and a resolved model (identity + paths)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.refs._parse import RemoteCredentials

# 2: base_key and base_reference (PEFT adapters); version 1 records load with both None.
IDENTITY_SCHEMA_VERSION = 2

FORMATS = ("safetensors", "gguf", "pytorch", "gptq", "awq", "peft", "remote")
BACKENDS = ("transformers", "llamacpp", "openai")


#: Quantizations applied as a full-precision checkpoint is loaded (bitsandbytes, by the
#: transformers backend): a reference selects one with a selector (``org/name:bnb-nf4``,
#: ``./model:bnb-nf4``) and the model's key ends with it, so its answers are never paired with
#: the unquantized model's.
LOAD_TIME_QUANTIZATIONS = ("bnb-nf4", "bnb-int8")


def load_time_quantization(selector: str | None) -> str | None:
    """The load-time quantization a reference's selector names (any case), else None."""
    lowered = (selector or "").lower()
    return lowered if lowered in LOAD_TIME_QUANTIZATIONS else None


def key_on_base(key: str, base_key: str) -> str:
    """The key of a Hub adapter (its own ``org/name@<sha12>``) applied to the base ``base_key``."""
    return f"{key}+base:{base_key}"


@dataclass(frozen=True, slots=True)
class ModelIdentity:
    """Which weights produced a result, precisely enough to reproduce or dispute it.

    ``reference`` is what the user typed; ``key`` is the stable one-line string stored as the
    ``model`` column everywhere (``org/name@<sha12>``, ``org/name@<sha12>:file.gguf``,
    ``local:<name>#sha256:<12hex>``, ``openai:<base_url>#<model>``). The key names the weights
    only: backend, dtype and chat template are recorded beside it but do not change it, so a
    parent run through transformers pairs with its GGUF child run through llama.cpp. Weights
    quantized as they are loaded (``quantization`` ``bnb-nf4`` / ``bnb-int8`` on a
    full-precision format) are other weights: their key ends with ``:bnb-nf4``.

    A PEFT adapter (format ``peft``) from a folder is ``local:<folder>#sha256:<12hex>`` too:
    ``file_sha256`` is the adapter folder's own hash, ``base_key`` the key of the base it is
    applied to, and the key's digest covers both, so the same adapter on another base is
    another model. A PEFT adapter from the Hub is ``org/name@<sha12>+base:<base key>``: the
    base's key, revision included, is always part of it, so answers stored for one revision
    of the base are never paired with another (``recorded_base`` in ``extra`` keeps what
    ``adapter_config.json`` names).
    """

    reference: str
    format: str  # "safetensors" | "gguf" | "pytorch" | "gptq" | "awq" | "peft" | "remote"
    backend: str = ""  # "transformers" | "llamacpp" | "openai" ("" until a backend is chosen)
    repo_id: str | None = None
    revision: str | None = None  # full commit sha on the Hub
    file: str | None = None  # the GGUF file name inside the repo or folder
    file_sha256: str | None = None  # local files: sha256 of the weights (see refs._hashing)
    quantization: str | None = None  # "Q4_K_M", "F16", "bf16", "gptq-4bit", ...
    dtype: str | None = None
    chat_template: str = ""  # "embedded" | "tokenizer" | "builtin:<name>" | "none (...)"
    local_name: str | None = None  # folder or file name for local references
    base_url: str | None = None  # openai references
    remote_model: str | None = None  # openai references
    base_key: str | None = None  # adapters: the key of the base model they are applied to
    base_reference: str | None = None  # adapters: the base's reference, as resolved
    extra: tuple[tuple[str, str], ...] = field(default=())  # e.g. (("architecture", "gemma3"),)

    @property
    def quantized_on_load(self) -> str | None:
        """``bnb-nf4`` / ``bnb-int8`` when the weights are quantized as they are loaded."""
        if self.format in ("safetensors", "pytorch"):
            return load_time_quantization(self.quantization)
        return None

    @property
    def key(self) -> str:
        """The stable string stored as ``model`` with every generation."""
        on_load = self.quantized_on_load
        weights = self._weights_key()
        return f"{weights}:{on_load}" if on_load else weights

    def _weights_key(self) -> str:
        if self.format == "remote":
            return f"openai:{self.base_url}#{self.remote_model}"
        if self.repo_id is not None:
            rev = (self.revision or "unknown")[:12]
            base = f"{self.repo_id}@{rev}"
            key = f"{base}:{self.file}" if self.file else base
            if self.format == "peft" and self.base_key:
                key = key_on_base(key, self.base_key)
            return key
        digest = self.file_sha256 or "unknown"
        if self.base_key:  # the adapter and the base it is applied to, together
            digest = hashlib.sha256(f"{digest}\0{self.base_key}".encode()).hexdigest()
        return f"local:{self.local_name}#sha256:{digest[:12]}"

    def with_runtime(self, *, backend: str, dtype: str | None, chat_template: str) -> ModelIdentity:
        """A copy with what the loaded backend decided (backend, dtype, chat template)."""
        return replace(self, backend=backend, dtype=dtype, chat_template=chat_template)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["extra"] = dict(self.extra)
        data["key"] = self.key
        data["schema_version"] = IDENTITY_SCHEMA_VERSION
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ModelIdentity:
        data = json.loads(text)
        data.pop("key", None)
        data.pop("schema_version", None)
        data["extra"] = tuple(sorted((data.get("extra") or {}).items()))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """A model reference resolved to its identity and the local paths a backend loads.

    ``path`` is the model folder (HF format) or the GGUF file; ``None`` for remote models.
    ``hf_dir`` is the folder ``from_pretrained`` reads (for a GGUF inside a folder, the folder).
    ``tokenizer_dir`` points at a folder holding a tokenizer and chat template, when one is
    available next to a GGUF (used to pick a chat template for template-less GGUF files).
    For a PEFT adapter, ``path`` and ``hf_dir`` are the adapter folder, ``base`` the resolved
    base model, and ``tokenizer_dir`` the adapter's own tokenizer or else the base's.
    ``credentials`` is what a remote reference carried for its server (sent as a header by
    the backend); it is never part of the identity, its key or a ``repr``.
    """

    identity: ModelIdentity
    path: Path | None = None
    hf_dir: Path | None = None
    tokenizer_dir: Path | None = None
    base: ResolvedModel | None = None
    credentials: RemoteCredentials | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> str:
        return self.identity.key

    @property
    def is_gguf(self) -> bool:
        return self.identity.format == "gguf"

    @property
    def is_adapter(self) -> bool:
        return self.identity.format == "peft"
