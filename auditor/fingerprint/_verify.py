"""``verify_edge``: one claimed parent-child edge checked by the models' weights.

A reference is a local folder, a local ``.gguf`` file, or a Hub repo id with an optional
``@revision`` and, for a GGUF file in the repo, ``:file.gguf``
(``org/x-GGUF@main:x.Q4_K_M.gguf``; a repo without safetensors that holds exactly one GGUF
file needs no file name). What cannot be fingerprinted (a gated repo, no weights in either
format) makes the edge ``unverifiable`` with the reason; a reference that does not exist is
an error.
"""

from __future__ import annotations

import logging

from auditor.errors import GatedRepoError, InputError
from auditor.fingerprint._compare import compare_fingerprints
from auditor.fingerprint._gguf import fingerprint_gguf
from auditor.fingerprint._local import MissingWeightsError, fingerprint_folder
from auditor.fingerprint._record import Fingerprint
from auditor.fingerprint._verdict import Verification
from auditor.safeio import check_path, path_exists

log = logging.getLogger(__name__)


def fingerprint(ref: str, *, token: str | None = None, use_cache: bool = True) -> Fingerprint:
    """The fingerprint of a model reference (folder, ``.gguf`` file, ``org/name[@rev]`` or
    ``org/name[@rev]:file.gguf``)."""
    path = check_path(ref)
    if path_exists(path):
        if path.is_dir():
            return fingerprint_folder(path, ref)
        if path.suffix.lower() == ".gguf":
            return fingerprint_gguf(path, ref)
        raise InputError(f"{ref} is neither a model folder nor a .gguf file")
    from auditor.fingerprint._hub_gguf import fingerprint_hub_gguf, parse_hub_gguf_ref

    parsed = parse_hub_gguf_ref(ref)
    if parsed is None or (ref.lower().endswith(".gguf") and ":" not in ref):
        raise InputError(f"{ref}: no such file or folder (and not a Hub reference "
                         "org/name[@rev][:file.gguf])")
    repo, revision, filename = parsed
    if filename is not None:
        return fingerprint_hub_gguf(repo, revision, filename, token=token, use_cache=use_cache)
    from auditor.fingerprint._hub import fingerprint_hub

    try:
        return fingerprint_hub(repo, revision, token=token, use_cache=use_cache)
    except MissingWeightsError:  # no safetensors: a repo holding one GGUF file will do
        return fingerprint_hub_gguf(repo, revision, None, token=token, use_cache=use_cache)


def _unverifiable(reason: str, child: str, parent: str) -> Verification:
    return Verification("unverifiable", None,
                        {"reason": reason, "child": {"ref": child}, "parent": {"ref": parent}})


def verify_edge(child_ref: str, parent_ref: str, *, token: str | None = None,
                use_cache: bool = True) -> Verification:
    """Whether ``child_ref``'s weights derive from ``parent_ref``'s, with the numbers."""
    try:
        child = fingerprint(child_ref, token=token, use_cache=use_cache)
        parent = fingerprint(parent_ref, token=token, use_cache=use_cache)
    except (GatedRepoError, MissingWeightsError) as exc:
        log.info("edge %s -> %s unverifiable: %s", parent_ref, child_ref, exc)
        return _unverifiable(str(exc), child_ref, parent_ref)
    return compare_fingerprints(child, parent)
