"""Model references: one syntax for local folders, GGUF files, Hub repos (PEFT adapters among
them, local or on the Hub) and remote servers.

``resolve_reference(ref)`` returns a :class:`ResolvedModel` whose :class:`ModelIdentity` is
recorded with every result; ``identity.key`` is the ``model`` column of the store.
"""

from auditor.refs._adapter import adapter_weights, folder_names
from auditor.refs._hashing import cache_dir, file_sha256, folder_sha256, uncached_file_sha256
from auditor.refs._identity import (
    LOAD_TIME_QUANTIZATIONS,
    ModelIdentity,
    ResolvedModel,
    key_on_base,
    load_time_quantization,
)
from auditor.refs._parse import SYNTAX_HELP, ParsedReference, RemoteCredentials, parse_reference
from auditor.refs._resolve import reference_to_key, resolve_reference

__all__ = [
    "LOAD_TIME_QUANTIZATIONS",
    "SYNTAX_HELP",
    "ModelIdentity",
    "ParsedReference",
    "RemoteCredentials",
    "ResolvedModel",
    "adapter_weights",
    "cache_dir",
    "file_sha256",
    "folder_names",
    "folder_sha256",
    "key_on_base",
    "load_time_quantization",
    "parse_reference",
    "reference_to_key",
    "resolve_reference",
    "uncached_file_sha256",
]
