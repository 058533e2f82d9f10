"""From per-tensor numbers to a verdict on one claimed edge (child derives from parent) and a
guess at the relation, with the numbers that decided it.

Signatures, checked in this order:

- **structure**: tensors present in both must have the same shapes (a resized vocabulary,
  embedding and output rows only, is allowed and noted); otherwise the claim is contradicted;
- **unrelated**: independently trained or initialised weights do not correlate; fewer than
  :data:`UNRELATED_MAX_FRACTION` of the matrices correlating at :data:`RELATED_MIN_CORR`
  contradicts the claim;
- **identical / quantization**: every tensor within what its storage types explain (uniform,
  small error) confirms it;
- **LoRA merge**: the changed matrices' difference blocks have low numerical rank;
- **fine-tune**: full-rank changes, typically concentrated in some layers, embeddings kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from auditor.fingerprint._stats import TensorComparison

VERDICTS = ("confirmed", "consistent", "contradicted", "unverifiable")
#: A matrix "correlates" with its parent's at r >= 0.5: independent random matrices give
#: |r| ~ 1/sqrt(2048) ~ 0.02; a fine-tune as large as the weights themselves still gives ~0.7.
RELATED_MIN_CORR = 0.5
#: Fewer than 10% of the matrices correlating: the weights are not the parent's.
UNRELATED_MAX_FRACTION = 0.1
#: At least 90% correlating (and full shape agreement) confirms descent: no independently
#: trained model comes near, while fine-tunes and merges keep almost every matrix correlated.
CONFIRM_MIN_FRACTION = 0.9
#: Fewer than half of the child's tensors found in the parent: the evidence is too thin to
#: confirm (the rest may be renamed, fused or new).
MIN_COVERAGE = 0.5
#: Changed matrices whose difference has rank at most this fraction of the block's smallest
#: side look like LoRA deltas (a full fine-tune is full rank); 0.8 of them must.
LORA_MAX_RANK_FRACTION = 0.5
LORA_MIN_SHARE = 0.8
_LAYER = re.compile(r"\blayers\.(\d+)\.")
_EMBEDDINGS = ("model.embed_tokens.weight",)
_VOCAB_TENSORS = ("model.embed_tokens.weight", "lm_head.weight")


@dataclass(frozen=True, slots=True)
class Verification:
    """The verdict on one claimed edge; ``to_dict()`` is what ``auditor verify --json``
    prints and what a lineage edge carries as ``verification``."""

    verdict: str
    relation_guess: str | None
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "relation_guess": self.relation_guess,
                "evidence": dict(self.evidence)}


@dataclass(frozen=True, slots=True)
class Structure:
    """Which tensors the two fingerprints share, and how their shapes agree."""

    child_tensors: int
    parent_tensors: int
    mismatched: tuple[tuple[str, list[int], list[int]], ...]
    resized_vocabulary: bool


def _round(x: float | None) -> float | None:
    return None if x is None else float(f"{x:.4g}")


def _summary(rows: Sequence[TensorComparison], structure: Structure) -> dict[str, Any]:
    matrices = [r for r in rows if r.is_matrix]
    correlations = [r.correlation for r in matrices if r.correlation is not None]
    related = sum(1 for c in correlations if c >= RELATED_MIN_CORR)
    worst = sorted(rows, key=lambda r: r.rel_l2 / max(r.storage_error, 1e-12), reverse=True)
    return {
        "compared_tensors": len(rows),
        "child_tensors": structure.child_tensors,
        "parent_tensors": structure.parent_tensors,
        "coverage": _round(len(rows) / max(structure.child_tensors, 1)),
        "shape_mismatches": [{"tensor": n, "child": c, "parent": p}
                             for n, c, p in structure.mismatched],
        "resized_vocabulary": structure.resized_vocabulary,
        "median_rel_l2": _round(median(r.rel_l2 for r in rows)) if rows else None,
        "max_rel_l2": _round(max((r.rel_l2 for r in rows), default=None)),
        "median_correlation": _round(median(correlations)) if correlations else None,
        "min_correlation": _round(min(correlations, default=None)),
        "fraction_related": _round(related / len(correlations)) if correlations else None,
        "changed_tensors": sum(r.changed for r in rows),
        "worst_tensors": [
            {"tensor": r.name, "rel_l2": _round(r.rel_l2), "correlation": _round(r.correlation),
             "storage_error": _round(r.storage_error), "rank": r.rank,
             "block_side": r.full_rank}
            for r in worst[:8]],
    }


def _layers_changed(rows: Sequence[TensorComparison]) -> dict[str, Any]:
    layers: dict[int, bool] = {}
    for row in rows:
        match = _LAYER.search(row.name)
        if match:
            index = int(match.group(1))
            layers[index] = layers.get(index, False) or row.changed
    embeddings = [r for r in rows if r.name in _EMBEDDINGS]
    return {"layers": len(layers), "layers_changed": sorted(i for i, c in layers.items() if c),
            "embeddings_kept": bool(embeddings) and not any(r.changed for r in embeddings)}


def _modified_relation(rows: Sequence[TensorComparison]) -> tuple[str, dict[str, Any]]:
    ranked = [r for r in rows if r.changed and r.rank is not None]
    low = [r for r in ranked if r.rank is not None
           and r.rank <= LORA_MAX_RANK_FRACTION * r.full_rank]
    share = len(low) / len(ranked) if ranked else 0.0
    evidence = {"changed_matrices": len(ranked), "low_rank_share": _round(share),
                "difference_ranks": sorted({r.rank for r in ranked if r.rank is not None})}
    evidence.update(_layers_changed(rows))
    return ("lora_merge" if ranked and share >= LORA_MIN_SHARE else "fine_tune"), evidence


def decide(rows: Sequence[TensorComparison], structure: Structure,
           same_storage: bool) -> Verification:
    """The verdict on the edge from the compared tensors and the shapes."""
    evidence = _summary(rows, structure)
    if structure.mismatched:
        evidence["reason"] = "tensor shapes differ from the claimed parent's"
        return Verification("contradicted", "different_architecture", evidence)
    if not rows:
        evidence["reason"] = "no tensor could be compared (names or formats differ)"
        return Verification("unverifiable", None, evidence)
    fraction = evidence["fraction_related"]
    if fraction is not None and fraction < UNRELATED_MAX_FRACTION:
        evidence["reason"] = (f"only {fraction:.0%} of the matrices correlate with the parent's "
                              f"(r >= {RELATED_MIN_CORR}); median r = "
                              f"{evidence['median_correlation']}")
        return Verification("contradicted", "unrelated", evidence)
    strong = (fraction is None or fraction >= CONFIRM_MIN_FRACTION) and (
        evidence["coverage"] >= MIN_COVERAGE)
    if not any(r.changed for r in rows):
        exact = same_storage and all(r.rel_l2 <= 1e-7 for r in rows)
        guess = "identical" if exact else "quantization"
        evidence["reason"] = ("every sampled value equal" if exact else
                              "every tensor within the error its storage type explains")
        return Verification("confirmed" if strong else "consistent", guess, evidence)
    guess, details = _modified_relation(rows)
    evidence.update(details)
    evidence["reason"] = (f"{evidence['changed_tensors']} tensors changed beyond storage error; "
                          f"{fraction if fraction is not None else 'n/a'} of matrices correlate")
    return Verification("confirmed" if strong else "consistent", guess, evidence)
