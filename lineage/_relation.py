"""Deciding how a child was derived from a parent, keeping every piece of evidence.

Order of trust (issue 2): an explicit card ``base_model_relation``; then the Hub's
``base_model:<relation>:<id>`` tag; then files: GGUF -> quantized; GPTQ/AWQ/EXL2/bnb configs or
tags -> quantized; ``adapter_config.json``/peft -> adapter; ``mergekit_config.yml`` or two or
more bases -> merge; otherwise finetune. Every source that claims a relation is a
:class:`Claim`; when claims disagree the top-ranked one wins and the edge is flagged.

The Hub names only four relations, so its ``base_model:finetune:`` tag is inferred, never
chosen by the author: a card that names a teacher (``teacher_model``), a distillation tag or
keyword, turns a finetune into ``distillation`` (files that say quantized/adapter/merge still
win). ``reupload`` is never claimed by metadata: only identical weights show it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lineage._records import RELATIONS, Evidence

RANK_CARD, RANK_TAG, RANK_GGUF, RANK_QUANT, RANK_ADAPTER, RANK_MERGE, RANK_DISTILL = range(7)

_SYNONYMS = {
    "finetune": "finetune",
    "fine-tune": "finetune",
    "finetuned": "finetune",
    "fine_tune": "finetune",
    "quantized": "quantized",
    "quantization": "quantized",
    "quantised": "quantized",
    "quant": "quantized",
    "adapter": "adapter",
    "lora": "adapter",
    "merge": "merge",
    "merged": "merge",
    "distillation": "distillation",
    "distilled": "distillation",
    "distill": "distillation",
    "knowledge_distillation": "distillation",
    "knowledge-distillation": "distillation",
}
#: Card keys whose value names the teacher a model was distilled from.
TEACHER_KEYS = ("teacher_model", "teacher", "distilled_from")
_DISTILL_WORD = re.compile(r"(?<![a-z])distill(?:ed|ation)?(?![a-z])", re.I)
QUANT_TAGS = {"gptq", "awq", "exl2", "exl3", "4-bit", "8-bit", "bitsandbytes", "hqq", "aqlm"}
QUANT_FILES = {
    "quantize_config.json": "gptq",
    "quant_config.json": "awq",
    "measurement.json": "exl2",
}
_GGUF_QUANT = re.compile(
    r"(?<![A-Za-z0-9])(I?Q\d(?:_[A-Z0-9]+)*|TQ\d_\d|BF16|F16|F32|MXFP4)(?![A-Za-z0-9])", re.I
)


@dataclass(frozen=True, slots=True)
class Claim:
    """A source's statement about the relation (``relation`` None: a note, no claim)."""

    relation: str | None
    source: str
    detail: str
    rank: int


@dataclass(frozen=True, slots=True)
class Decision:
    relation: str
    evidence: tuple[Evidence, ...]
    conflict: tuple[str, ...]  # the distinct relations claimed, when more than one


def normalize_relation(raw: object) -> str | None:
    """A known relation name from a card value (synonyms accepted), else None."""
    if not isinstance(raw, str):
        return None
    return _SYNONYMS.get(raw.strip().lower())


def card_claim(raw: object) -> Claim | None:
    """The claim of a card's ``base_model_relation`` (a note when the value is unknown)."""
    if raw is None or raw == "":
        return None
    relation = normalize_relation(raw)
    if relation is None:
        return Claim(None, "card", f"base_model_relation {raw!r} is not a known relation", 0)
    return Claim(relation, "card", f"base_model_relation: {raw}", RANK_CARD)


def tag_claims(tags: Iterable[str], parent_id: str) -> list[Claim]:
    """Claims from Hub tags ``base_model:<relation>:<parent>`` naming this parent."""
    out = []
    want = parent_id.lower()
    for tag in tags:
        parts = tag.split(":", 2)
        if len(parts) == 3 and parts[0] == "base_model" and parts[2].lower() == want:
            relation = normalize_relation(parts[1])
            if relation:
                out.append(Claim(relation, "tag", tag, RANK_TAG))
    return out


def distillation_claims(tags: Iterable[str], teachers: Iterable[str] = (),
                        card_words: Iterable[str] = ()) -> list[Claim]:
    """Claims that the child was distilled: card keys naming a teacher, tags or card
    keywords/datasets saying so (``distillation``, ``distilled``, ``r1-distill-sft``...)."""
    claims = [Claim("distillation", "card", f"teacher: {t}", RANK_DISTILL) for t in teachers]
    for source, words in (("tag", tags), ("card", card_words)):
        for word in words:
            if ":" not in word and _DISTILL_WORD.search(word):
                claims.append(Claim("distillation", source, f"{source} says {word}",
                                    RANK_DISTILL))
    return claims


def card_teachers(card: Mapping[str, Any]) -> tuple[str, ...]:
    """The teachers a card names under :data:`TEACHER_KEYS` (strings or lists of them)."""
    out: list[str] = []
    for key in TEACHER_KEYS:
        value = card.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip() and item.strip() not in out:
                out.append(item.strip())
    return tuple(out)


def card_keywords(card: Mapping[str, Any]) -> tuple[str, ...]:
    """The card's ``tags``, ``keywords`` and ``datasets`` strings (to look for distillation)."""
    out: list[str] = []
    for key in ("tags", "keywords", "datasets"):
        value = card.get(key)
        out += [v for v in (value if isinstance(value, list) else [value])
                if isinstance(v, str)]
    return tuple(out)


def file_claims(
    files: Sequence[str],
    tags: Iterable[str] = (),
    quant_method: str | None = None,
    library_name: str | None = None,
    n_bases: int = 1,
) -> list[Claim]:
    """Claims from a repo's file list, its plain tags, its config and its number of bases."""
    claims: list[Claim] = []
    names = [f.rsplit("/", 1)[-1] for f in files]
    ggufs = [f for f in files if f.lower().endswith(".gguf")]
    if ggufs:
        claims.append(Claim("quantized", "files", f"GGUF files: {_sample(ggufs)}", RANK_GGUF))
    for name in names:
        if name in QUANT_FILES:
            claims.append(Claim("quantized", "files", f"{name} ({QUANT_FILES[name]})", RANK_QUANT))
    if quant_method:
        detail = f"config.json quantization_config.quant_method: {quant_method}"
        claims.append(Claim("quantized", "files", detail, RANK_QUANT))
    lowered = {t.lower() for t in tags}
    for tag in sorted(lowered & QUANT_TAGS):
        claims.append(Claim("quantized", "tag", f"tag {tag}", RANK_QUANT))
    if "adapter_config.json" in names:
        claims.append(Claim("adapter", "files", "adapter_config.json present", RANK_ADAPTER))
    elif library_name == "peft":
        claims.append(Claim("adapter", "files", "library_name: peft", RANK_ADAPTER))
    if "mergekit_config.yml" in names:
        claims.append(Claim("merge", "files", "mergekit_config.yml present", RANK_MERGE))
    elif "mergekit" in lowered:
        claims.append(Claim("merge", "tag", "tag mergekit", RANK_MERGE))
    if n_bases >= 2:
        claims.append(Claim("merge", "card", f"base_model lists {n_bases} models", RANK_MERGE))
    return claims


def decide(claims: Sequence[Claim], parent_evidence: Sequence[Evidence] = ()) -> Decision:
    """Pick the relation from the top-ranked claim; record all evidence and any disagreement."""
    evidence: list[Evidence] = []
    for ev in list(parent_evidence) + [Evidence(c.source, c.detail) for c in claims]:
        if ev not in evidence:
            evidence.append(ev)
    real = sorted((c for c in claims if c.relation), key=lambda c: c.rank)
    if not real:
        evidence.append(
            Evidence("files", "no quantization, adapter or merge signal: finetune by default")
        )
        return Decision("finetune", tuple(evidence), ())
    relation = real[0].relation
    if relation == "finetune" and any(c.relation == "distillation" for c in real):
        relation = "distillation"  # a distillation is a finetune the Hub has no word for
        real = [c for c in real if c.relation != "finetune"]
    else:  # a copied "distilled" tag on a quantization of a distillation is no conflict
        real = [c for c in real if c.relation != "distillation"]
    assert relation in RELATIONS
    distinct = tuple(dict.fromkeys(c.relation for c in real if c.relation))
    return Decision(relation, tuple(evidence), distinct if len(distinct) > 1 else ())


def conflict_message(child: str, parent: str, decision: Decision, claims: Sequence[Claim]) -> str:
    said = "; ".join(f"{c.source} says {c.relation} ({c.detail})" for c in claims if c.relation)
    return (
        f"{child}: sources disagree on how it derives from {parent} ({said}); "
        f"kept '{decision.relation}' from the most trusted source"
    )


def gguf_quant_from_name(filename: str) -> str | None:
    """The quantization type in a GGUF file name (``model.Q4_K_M.gguf`` -> ``Q4_K_M``)."""
    stem = filename.rsplit("/", 1)[-1]
    if stem.lower().endswith(".gguf"):
        stem = stem[:-5]
    found = _GGUF_QUANT.findall(stem)
    return found[-1].upper() if found else None


def _sample(items: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")
