"""Make a quantized variant of a full-precision model, once, and remember it.

A variant is cached by (the source's identity key, which carries its revision or content
hash; the method; the tools' versions: the converter's sdist and llama-cpp-python for GGUF
types, gptqmodel, torch and transformers for GPTQ; this maker's version) under
``auditor.cache.cache_dir("quantized")``: a second audit of the same source reuses it. Each
cached variant keeps a ``made.json`` record of how it was made (schema_version 1). A GGUF
variant is a file; a GPTQ variant is an HF checkpoint folder.
The source folder is only read: no code of the repo runs (see :mod:`auditor.quantize._guard`)
and pickle weights are refused unless the caller allows them, as everywhere in the tool.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import QuantizationError, UnsafeCheckpointError
from auditor.jsonio import dumps
from auditor.quantize._converter import (
    ConverterInfo,
    convert_to_gguf,
    find_converter,
    llama_cpp_version,
)
from auditor.quantize._gptq import quantize_gptq_in_child
from auditor.quantize._llama_quantize import quantize_in_child
from auditor.quantize._methods import QuantizeMethod, check_available, unavailable_reason
from auditor.versions import importable_version

log = logging.getLogger(__name__)

MAKER_VERSION = 1
RECORD = "made.json"
SCHEMA_VERSION = 1
#: Store-key formats (``auditor.refs``) of full-precision checkpoints: what can be made.
FULL_PRECISION_FORMATS = ("safetensors", "pytorch")


@dataclass(frozen=True, slots=True)
class MadeVariant:
    """A quantized variant the auditor made: the file (GGUF) or folder (GPTQ), and how."""

    path: Path
    method: str
    source_key: str
    tools: tuple[tuple[str, str], ...]  # (tool, version), in the order they ran
    seconds: float  # time it took to make (when it was made, for a cached variant)
    cached: bool

    @property
    def evidence(self) -> str:
        """The lineage evidence of the made edge: made by the auditor, how, with what."""
        tools = ", ".join(f"{name} {version}" for name, version in self.tools)
        return f"made by the auditor: {self.method} from {self.source_key} ({tools})"


def make_variant(
    source_dir: Path,
    source_key: str,
    method: QuantizeMethod,
    *,
    allow_pickle: bool = False,
    converter: ConverterInfo | None = None,
    cache: Path | None = None,
) -> MadeVariant:
    """``source_dir`` (an HF folder whose store key is ``source_key``) made into ``method``.

    Raises :class:`QuantizationError` with the reason when it cannot be made here (no GPU or
    library for the method, no converter, an architecture the converter lacks) and
    :class:`UnsafeCheckpointError` for pickle weights without ``allow_pickle``.
    """
    check_available(method)
    if method.kind == "bnb":
        raise QuantizationError(f"{method.name} makes no file: it is applied as the model loads "
                                f"(evaluate the reference <model>:{method.name})")
    _check_weights(source_dir, allow_pickle)
    root = cache or _cache()
    if method.kind == "gptq":
        return _make_gptq(source_dir, source_key, method, root)
    converter = converter or find_converter()
    with _Conversion(converter, source_dir, root) as conversion:
        return _make_one(source_key, method, converter, root, conversion)


class _Conversion:
    """The source converted to GGUF at most once, on first need, for every type made from it
    (a failure is remembered: the converter is not run again to fail the same way)."""

    def __init__(self, converter: ConverterInfo, source_dir: Path, root: Path) -> None:
        self._converter, self._source, self._root = converter, source_dir.resolve(), root
        self._work: Path | None = None
        self._error: QuantizationError | None = None

    def path(self) -> Path:
        if self._error is not None:
            raise self._error
        if self._work is None:
            self._root.mkdir(parents=True, exist_ok=True)
            self._work = Path(tempfile.mkdtemp(prefix="converting-", dir=self._root))
            try:
                convert_to_gguf(self._converter, self._source, self._work / "converted.gguf")
            except QuantizationError as exc:
                self._error = exc
                raise
        return self._work / "converted.gguf"

    def __enter__(self) -> _Conversion:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)


def _make_one(source_key: str, method: QuantizeMethod, converter: ConverterInfo, root: Path,
              conversion: _Conversion) -> MadeVariant:
    installed = llama_cpp_version()
    tools = (("convert_hf_to_gguf.py", converter.version),
             ("llama_model_quantize", f"llama-cpp-python {installed or 'unknown'}"))
    versions = (converter.llama_cpp_python, converter.sdist_sha256, installed or "")
    folder = root / _cache_key(source_key, method, versions)

    def make(work: Path) -> None:
        converted = conversion.path()
        work.mkdir(parents=True)
        quantize_in_child(converted, work / _file_name(method), method)

    return _made(folder, method, source_key, tools, make)


def _make_gptq(source_dir: Path, source_key: str, method: QuantizeMethod,
               root: Path) -> MadeVariant:
    """A 4-bit GPTQ checkpoint of ``source_dir`` made by gptqmodel (cached like a GGUF)."""
    tools = tuple((name, importable_version(name) or "unknown")
                  for name in ("gptqmodel", "torch", "transformers"))
    folder = root / _cache_key(source_key, method, tuple(f"{n} {v}" for n, v in tools))

    def make(work: Path) -> None:
        work.mkdir(parents=True)
        quantize_gptq_in_child(source_dir, work / _file_name(method))

    return _made(folder, method, source_key, tools, make)


def _made(folder: Path, method: QuantizeMethod, source_key: str,
          tools: tuple[tuple[str, str], ...], make: Callable[[Path], None]) -> MadeVariant:
    """The variant cached in ``folder``, else made by ``make(work)`` into a fresh work folder
    that replaces ``folder`` (with its ``made.json``) only once complete."""
    found = _load(folder, method, source_key, tools)
    if found is not None:
        log.info("reusing %s of %s from %s", method.name, source_key, folder)
        return found
    work = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    start = time.perf_counter()
    try:
        make(work)
        seconds = time.perf_counter() - start
        record = {"schema_version": SCHEMA_VERSION, "source_key": source_key,
                  "method": method.name, "tools": [list(t) for t in tools],
                  "seconds": round(seconds, 3), "maker_version": MAKER_VERSION}
        (work / RECORD).write_text(dumps(record, indent=2), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        work.replace(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("made %s of %s in %.1f s", method.name, source_key, seconds)
    return MadeVariant(folder / _file_name(method), method.name, source_key, tools, seconds,
                       cached=False)


def _load(folder: Path, method: QuantizeMethod, source_key: str,
          tools: tuple[tuple[str, str], ...]) -> MadeVariant | None:
    path = folder / _file_name(method)
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        seconds = float(record["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not path.exists() or record.get("schema_version") != SCHEMA_VERSION:
        return None
    return MadeVariant(path, method.name, source_key, tools, seconds, cached=True)


def _check_weights(source_dir: Path, allow_pickle: bool) -> None:
    if not source_dir.is_dir():
        raise QuantizationError(f"{source_dir} is not a model folder: only HF checkpoints "
                                "(safetensors) are quantized on the fly")
    if any(source_dir.glob("model*.safetensors")) or (
            source_dir / "model.safetensors.index.json").is_file():
        return
    if any(source_dir.glob("pytorch_model*.bin")) and not allow_pickle:
        raise UnsafeCheckpointError(
            f"{source_dir.name} has only pickle weights (pytorch_model*.bin); converting them "
            "unpickles them: pass --allow-pickle to opt in")


def _cache_key(source_key: str, method: QuantizeMethod, versions: tuple[str, ...]) -> str:
    """The cached variant's folder name: the method and a hash of what made it."""
    parts = [source_key, method.name, *versions, str(MAKER_VERSION)]
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]
    return f"{method.name}-{digest}"


def _file_name(method: QuantizeMethod) -> str:
    """The made file (GGUF) or checkpoint folder (GPTQ) in a cached variant's folder."""
    return f"model-{method.name}" if method.kind == "gptq" else f"model-{method.name}.gguf"


def _cache() -> Path:
    from auditor.cache import cache_dir

    return cache_dir("quantized")


@dataclass(frozen=True, slots=True)
class VariantOutcome:
    """One method asked for one model: the reference that evaluates the variant and the
    lineage evidence of its edge, or why there is none (``reference`` empty). ``made`` is what
    the auditor made (a GGUF file, a GPTQ folder); a variant quantized as it loads
    (bitsandbytes) has none: its reference is the source's with the method as selector."""

    method: str
    made: MadeVariant | None = None
    reason: str = ""
    reference: str = ""
    evidence: str = ""

    @classmethod
    def of_file(cls, made: MadeVariant) -> VariantOutcome:
        return cls(made.method, made, reference=str(made.path), evidence=made.evidence)


def make_variants(
    source_dir: Path | None,
    source_key: str,
    source_format: str,
    methods: tuple[QuantizeMethod, ...],
    *,
    source_reference: str | None = None,
    allow_pickle: bool = False,
    cache: Path | None = None,
) -> tuple[VariantOutcome, ...]:
    """Each of ``methods`` made from one model (the reference ``source_reference``, else the
    folder), converting it once for all GGUF types; a failure is a reason, never an
    exception."""
    if source_dir is None or source_format not in FULL_PRECISION_FORMATS:
        why = (f"only full-precision checkpoints (safetensors) are quantized on the fly; "
               f"{source_key} is {source_format}")
        return tuple(VariantOutcome(m.name, None, why) for m in methods)
    reasons = {m.name: unavailable_reason(m) for m in methods}
    on_load = {m.name: _on_load(m, source_reference or str(source_dir), source_key)
               for m in methods if m.kind == "bnb" and not reasons[m.name]}
    files = [m for m in methods if m.kind == "gguf" and not reasons[m.name]]
    made = _make_files(source_dir, source_key, files, allow_pickle, cache) if files else {}
    for method in (m for m in methods if m.kind == "gptq" and not reasons[m.name]):
        made[method.name] = _try_gptq(source_dir, source_key, method, allow_pickle, cache)
    return tuple(on_load.get(m.name) or made.get(m.name)
                 or VariantOutcome(m.name, None, reasons[m.name]) for m in methods)


def _on_load(method: QuantizeMethod, source_reference: str, source_key: str) -> VariantOutcome:
    """A bitsandbytes variant: the source's reference with the method as its selector."""
    from importlib.metadata import version

    tools = (f"bitsandbytes {importable_version('bitsandbytes')}, "
             f"transformers {version('transformers')}")
    return VariantOutcome(
        method.name, reference=f"{source_reference}:{method.name}",
        evidence=f"made by the auditor: {method.name} from {source_key} as it loads ({tools})")


def _make_files(source_dir: Path, source_key: str, methods: list[QuantizeMethod],
                allow_pickle: bool, cache: Path | None) -> dict[str, VariantOutcome]:
    """The GGUF types of ``methods`` made from ``source_dir``, converted once, by name."""
    try:
        _check_weights(source_dir, allow_pickle)
        converter = find_converter()
    except (QuantizationError, UnsafeCheckpointError) as exc:
        return {m.name: VariantOutcome(m.name, None, variant_error(exc)) for m in methods}
    root = cache or _cache()
    outcomes: dict[str, VariantOutcome] = {}
    with _Conversion(converter, source_dir, root) as conversion:
        for method in methods:
            try:
                made = _make_one(source_key, method, converter, root, conversion)
            except QuantizationError as exc:
                outcomes[method.name] = VariantOutcome(method.name, None, variant_error(exc))
            else:
                outcomes[method.name] = VariantOutcome.of_file(made)
    return outcomes


def _try_gptq(source_dir: Path, source_key: str, method: QuantizeMethod, allow_pickle: bool,
              cache: Path | None) -> VariantOutcome:
    """A GPTQ variant as an outcome: the made checkpoint, or why there is none."""
    try:
        return VariantOutcome.of_file(make_variant(source_dir, source_key, method,
                                                   allow_pickle=allow_pickle, cache=cache))
    except (QuantizationError, UnsafeCheckpointError) as exc:
        return VariantOutcome(method.name, None, variant_error(exc))


def variant_error(exc: Exception) -> str:
    """The reason a variant could not be made, for a *not audited* row."""
    if isinstance(exc, QuantizationError | UnsafeCheckpointError):
        return str(exc)
    return f"quantization failed: {exc}"
