"""Relation inference: order of trust, file signals, conflicts."""

from __future__ import annotations

from lineage._relation import (
    card_claim,
    decide,
    file_claims,
    gguf_quant_from_name,
    normalize_relation,
    tag_claims,
)


def test_card_beats_tag_beats_files_and_conflicts_are_flagged() -> None:
    claims = [card_claim("finetune"), *tag_claims(["base_model:quantized:org/b"], "org/b"),
              *file_claims(["x.gguf"])]
    decision = decide([c for c in claims if c])
    assert decision.relation == "finetune"
    assert decision.conflict == ("finetune", "quantized")
    assert [e.source for e in decision.evidence] == ["card", "tag", "files"]


def test_tag_for_another_parent_is_ignored() -> None:
    assert tag_claims(["base_model:adapter:org/other"], "org/b") == []
    assert tag_claims(["base_model:adapter:ORG/B"], "org/b")[0].relation == "adapter"


def test_file_signals_in_issue_order() -> None:
    assert decide(file_claims(["m.Q4_K_M.gguf"])).relation == "quantized"
    assert decide(file_claims(["quantize_config.json", "model.safetensors"])).relation == \
        "quantized"
    assert decide(file_claims([], quant_method="bitsandbytes")).relation == "quantized"
    assert decide(file_claims([], tags=["awq"])).relation == "quantized"
    assert decide(file_claims(["adapter_config.json"])).relation == "adapter"
    assert decide(file_claims([], library_name="peft")).relation == "adapter"
    assert decide(file_claims(["mergekit_config.yml"])).relation == "merge"
    assert decide(file_claims([], n_bases=2)).relation == "merge"
    plain = decide(file_claims(["model.safetensors"]))
    assert plain.relation == "finetune" and not plain.conflict
    assert "by default" in plain.evidence[-1].detail


def test_agreeing_sources_are_not_a_conflict() -> None:
    claims = [*tag_claims(["base_model:quantized:a/b"], "a/b"), *file_claims(["q.gguf"])]
    assert decide(claims).conflict == ()


def test_names() -> None:
    assert normalize_relation(" Quantization ") == "quantized"
    assert normalize_relation("LoRA") == "adapter"
    assert normalize_relation("sideways") is None
    assert card_claim("sideways").relation is None
    assert gguf_quant_from_name("gemma-3-270m-it-Q4_K_M.gguf") == "Q4_K_M"
    assert gguf_quant_from_name("model.IQ2_XXS.gguf") == "IQ2_XXS"
    assert gguf_quant_from_name("model-bf16.gguf") == "BF16"
    assert gguf_quant_from_name("model.gguf") is None
