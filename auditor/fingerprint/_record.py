"""The fingerprint of one model: its architecture, every tensor's shape and storage type, and
the sampled values of each tensor (see :mod:`auditor.fingerprint._plan`), keyed by the tensor's
Hugging Face name. Saved as versioned JSON (values as base64 float32) in the fingerprint cache.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from auditor.errors import InputError

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class TensorSample:
    """One tensor: torch-order ``shape``, storage type (``BF16``, ``Q4_K``...) and the sampled
    sub-matrix (float32, ``len(plan.rows) x plan.ncols``)."""

    name: str
    shape: tuple[int, ...]
    storage: str
    values: np.ndarray = field(compare=False)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A model's weight fingerprint; ``format`` is ``safetensors`` or ``gguf``."""

    ref: str
    format: str
    architecture: str | None
    revision: str | None
    tensors: Mapping[str, TensorSample]
    bytes_read: int = 0
    skipped: tuple[str, ...] = ()  # tensors whose storage type cannot be sampled

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "ref": self.ref,
            "format": self.format,
            "architecture": self.architecture,
            "revision": self.revision,
            "bytes_read": self.bytes_read,
            "skipped": list(self.skipped),
            "tensors": [
                {"name": t.name, "shape": list(t.shape), "storage": t.storage,
                 "rows": int(t.values.shape[0]), "cols": int(t.values.shape[1]),
                 "values": base64.b64encode(t.values.astype("<f4").tobytes()).decode()}
                for t in self.tensors.values()
            ],
        }


def fingerprint_from_json(data: Any) -> Fingerprint:
    """A fingerprint read back from :meth:`Fingerprint.to_json`; InputError when malformed."""
    try:
        if data["schema_version"] != SCHEMA_VERSION:
            raise InputError(f"fingerprint schema {data['schema_version']} is not "
                             f"{SCHEMA_VERSION}")
        tensors = {}
        for item in data["tensors"]:
            raw = base64.b64decode(item["values"], validate=True)
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
            values = values.reshape(int(item["rows"]), int(item["cols"]))
            tensors[item["name"]] = TensorSample(
                str(item["name"]), tuple(int(d) for d in item["shape"]), str(item["storage"]),
                values)
        return Fingerprint(str(data["ref"]), str(data["format"]), data["architecture"],
                           data["revision"], tensors, int(data["bytes_read"]),
                           tuple(str(s) for s in data["skipped"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed cached fingerprint: {exc}") from None
