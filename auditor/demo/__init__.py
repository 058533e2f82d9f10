"""The offline demo family, built locally from the Gemma 3 270M GGUF shipped on PyPI.

``build_demo_family(cache_dir)`` returns a :class:`DemoFamily`: where each member lives
(folders that ``lineage.crawl_local`` reads, references the runner resolves), with the
audit's root, and what the build cost. Everything is cached by the source file's sha256 and
the builder version, so a second call is immediate.
"""

from auditor.demo._build import build_demo_family
from auditor.demo._family import (
    BUILDER_VERSION,
    DEFAULT_QUANTIZATIONS,
    OBEDIENT_ADAPTER_ID,
    OBEDIENT_GGUF_ID,
    ROOT_ID,
    UPSTREAM_ID,
    DemoFamily,
    DemoMember,
    DemoProgress,
    quantized_id,
)
from auditor.demo._quantize import QUANT_TYPES, QuantizeResult, quantize_gguf
from auditor.demo._source import default_cache_dir, source_gguf

__all__ = [
    "BUILDER_VERSION",
    "DEFAULT_QUANTIZATIONS",
    "OBEDIENT_ADAPTER_ID",
    "OBEDIENT_GGUF_ID",
    "QUANT_TYPES",
    "ROOT_ID",
    "UPSTREAM_ID",
    "DemoFamily",
    "DemoMember",
    "DemoProgress",
    "QuantizeResult",
    "build_demo_family",
    "default_cache_dir",
    "quantize_gguf",
    "quantized_id",
    "source_gguf",
]
