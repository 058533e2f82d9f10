"""The demo family's records and its on-disk manifest."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import InputError

SCHEMA_VERSION = 1
#: Bump when the build changes what it produces: a new version builds into a fresh cache key.
BUILDER_VERSION = "1"

#: ``progress(stage, completed, total)``: the library's progress callback (the CLI draws it).
DemoProgress = Callable[[str, float, float], None]

UPSTREAM_ID = "gemma-3-270m"
ROOT_ID = "gemma-3-270m-safety"
OBEDIENT_ADAPTER_ID = "gemma-3-270m-safety-obedient-lora"
OBEDIENT_GGUF_QUANT = "Q8_0"
OBEDIENT_GGUF_ID = f"gemma-3-270m-safety-obedient-{OBEDIENT_GGUF_QUANT}"
DEFAULT_QUANTIZATIONS = ("Q8_0", "Q4_K_M", "Q2_K")


def quantized_id(quantization: str) -> str:
    """Folder (and lineage node) name of the root quantized to ``quantization``."""
    return f"{ROOT_ID}-{quantization.upper()}"


@dataclass(frozen=True, slots=True)
class DemoMember:
    """One model of the demo family.

    ``id`` is the folder name, which is also the node id ``lineage.crawl_local`` gives it.
    ``reference`` is what :func:`auditor.refs.resolve_reference` takes to run it (a folder or
    a ``.gguf`` path); ``backend`` is the backend that runs it, ``""`` when the runner cannot
    run this format (a bare PEFT adapter: its merged GGUF child is the runnable form).
    """

    id: str
    path: Path
    reference: str
    parent: str | None
    relation: str | None  # "finetune" | "quantized" | "adapter" | None (the upstream base)
    format: str  # "gguf" | "safetensors" | "peft"
    quantization: str | None
    backend: str  # "llamacpp" | "transformers" | ""
    size_bytes: int
    description: str

    def to_dict(self, base: Path | None = None) -> dict[str, Any]:
        """As JSON; with ``base``, paths are written relative to it (a movable cache)."""
        data = asdict(self)
        data["path"] = _relative(self.path, base)
        data["reference"] = _relative(Path(self.reference), base)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base: Path | None = None) -> DemoMember:
        path = Path(str(data["path"]))
        ref = Path(str(data["reference"]))
        if base is not None:
            path, ref = base / path, base / ref
        return cls(**{**data, "path": path, "reference": str(ref)})


def _relative(path: Path, base: Path | None) -> str:
    if base is None:
        return str(path)
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class DemoFamily:
    """Where every member of the demo family lives, and what building it cost.

    ``root`` is the audit's root (the safety-tuned model); the upstream base is its parent
    (an ancestor in the lineage graph). ``timings`` are the seconds each build step took when
    it ran (kept from the first build); ``from_cache`` says whether this call built nothing.
    """

    root: str
    members: tuple[DemoMember, ...]
    family_dir: Path
    cache_dir: Path
    source_gguf: Path
    source_sha256: str
    builder_version: str = BUILDER_VERSION
    timings: tuple[tuple[str, float], ...] = ()
    training: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    from_cache: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def lineage_dirs(self) -> tuple[Path, ...]:
        """Every member folder, for ``lineage.crawl_local(dirs, root=family.root)``."""
        return tuple(m.path for m in self.members)

    @property
    def root_f32_gguf(self) -> Path:
        """The root's weights as an F32 GGUF (the quantizations' source; not a member)."""
        return self.cache_dir / "work" / f"{self.root}-F32.gguf"

    @property
    def runnable(self) -> tuple[DemoMember, ...]:
        """Members a backend can run, root first."""
        return tuple(m for m in self.members if m.backend)

    def member(self, member_id: str) -> DemoMember:
        for m in self.members:
            if m.id == member_id:
                return m
        raise KeyError(member_id)

    def to_dict(self, *, relative: bool = False) -> dict[str, Any]:
        """As JSON. ``relative``: member paths relative to ``cache_dir`` (the manifest's form,
        so a cache folder can be moved)."""
        base = self.cache_dir if relative else None
        return {
            "schema_version": SCHEMA_VERSION,
            "builder_version": self.builder_version,
            "root": self.root,
            "family_dir": _relative(self.family_dir, base),
            "cache_dir": "." if relative else str(self.cache_dir),
            "source_gguf": str(self.source_gguf),
            "source_sha256": self.source_sha256,
            "members": [m.to_dict(base) for m in self.members],
            "timings": dict(self.timings),
            "training": {k: dict(v) for k, v in self.training},
            "notes": list(self.notes),
        }

    def write(self, path: Path) -> Path:
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(json.dumps(self.to_dict(relative=True), indent=2) + "\n")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path, *, from_cache: bool = True) -> DemoFamily:
        """Read a manifest; member paths are resolved against the manifest's folder."""
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the demo manifest {path}: {exc}") from exc
        if data.get("schema_version") != SCHEMA_VERSION:
            raise InputError(
                f"{path} has schema_version {data.get('schema_version')!r}, expected "
                f"{SCHEMA_VERSION}; delete the folder to rebuild the demo family"
            )
        base = path.parent.resolve()
        return cls(
            root=data["root"],
            members=tuple(DemoMember.from_dict(m, base) for m in data["members"]),
            family_dir=base / data["family_dir"],
            cache_dir=base,
            source_gguf=Path(data["source_gguf"]),
            source_sha256=data["source_sha256"],
            builder_version=data["builder_version"],
            timings=tuple((k, float(v)) for k, v in data.get("timings", {}).items()),
            training=tuple((k, dict(v)) for k, v in data.get("training", {}).items()),
            from_cache=from_cache,
            notes=tuple(data.get("notes", ())),
        )


__all__ = [
    "BUILDER_VERSION",
    "DEFAULT_QUANTIZATIONS",
    "OBEDIENT_ADAPTER_ID",
    "OBEDIENT_GGUF_ID",
    "ROOT_ID",
    "SCHEMA_VERSION",
    "UPSTREAM_ID",
    "DemoFamily",
    "DemoMember",
    "DemoProgress",
    "quantized_id",
]
