"""A child's fingerprint against its claimed parent's: structure, per-tensor numbers, verdict."""

from __future__ import annotations

from typing import Any

from auditor.fingerprint._names import canonical_hf_name
from auditor.fingerprint._record import Fingerprint, TensorSample
from auditor.fingerprint._stats import compare_tensor
from auditor.fingerprint._verdict import Structure, Verification, decide

#: Names under which one architecture appears in configs and GGUF headers.
_ARCH_FAMILY = {"mistral": "llama", "gemma3_text": "gemma3", "gemma2_text": "gemma2",
                "llamaforcausallm": "llama"}
_VOCAB_TENSORS = ("model.embed_tokens.weight", "lm_head.weight")


def architecture_family(arch: str | None) -> str | None:
    """``mistral`` and ``llama`` alike (GGUF writes Mistral as llama); lower case."""
    if not arch:
        return None
    lowered = arch.lower()
    return _ARCH_FAMILY.get(lowered, lowered)


def _canonical(fp: Fingerprint) -> dict[str, TensorSample]:
    return {canonical_hf_name(name): t for name, t in fp.tensors.items()}


def describe(fp: Fingerprint) -> dict[str, Any]:
    """What the evidence says about one side."""
    storages = sorted({t.storage for t in fp.tensors.values()})
    return {"ref": fp.ref, "format": fp.format, "architecture": fp.architecture,
            "revision": fp.revision, "tensors": len(fp.tensors), "storage_types": storages,
            "bytes_read": fp.bytes_read}


def compare_fingerprints(child: Fingerprint, parent: Fingerprint) -> Verification:
    """The verdict on "``child`` derives from ``parent``"."""
    kids, parents = _canonical(child), _canonical(parent)
    mismatched: list[tuple[str, list[int], list[int]]] = []
    resized = False
    rows = []
    for name in sorted(kids.keys() & parents.keys()):
        c, p = kids[name], parents[name]
        if c.shape != p.shape:
            if name in _VOCAB_TENSORS and c.shape[1:] == p.shape[1:]:
                resized = True
            else:
                mismatched.append((name, list(c.shape), list(p.shape)))
            continue
        rows.append(compare_tensor(c, p))
    structure = Structure(len(kids), len(parents), tuple(mismatched), resized)
    same_storage = ({t.storage for t in kids.values()} == {t.storage for t in parents.values()})
    result = decide(rows, structure, same_storage)
    evidence = dict(result.evidence)
    child_arch, parent_arch = (architecture_family(child.architecture),
                               architecture_family(parent.architecture))
    evidence["child"], evidence["parent"] = describe(child), describe(parent)
    if child_arch and parent_arch and child_arch != parent_arch:
        evidence["architecture_note"] = (f"architectures differ: {child.architecture} vs "
                                         f"{parent.architecture}")
    return Verification(result.verdict, result.relation_guess, evidence)
