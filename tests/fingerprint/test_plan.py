"""Sample positions are fixed by name and shape, and the GGUF row mapping undoes llama.cpp's
Q/K permutation exactly."""

from __future__ import annotations

import numpy as np
import pytest

from auditor.doctor._tiny_models import _permute
from auditor.fingerprint import SAMPLE_COLS, SAMPLE_ROWS, plan_sample
from auditor.fingerprint._names import canonical_hf_name, hf_name, hf_row_to_gguf
from auditor.fingerprint._ranges import merge_ranges


def test_plan_is_deterministic_and_name_dependent() -> None:
    a = plan_sample("model.layers.0.mlp.up_proj.weight", (4096, 1024))
    assert a == plan_sample("model.layers.0.mlp.up_proj.weight", (4096, 1024))
    assert a != plan_sample("model.layers.1.mlp.up_proj.weight", (4096, 1024))
    assert len(a.rows) == SAMPLE_ROWS and a.ncols == SAMPLE_COLS
    assert list(a.rows) == sorted(set(a.rows)) and a.col0 + a.ncols <= 1024


def test_small_and_vector_tensors_are_sampled_whole() -> None:
    plan = plan_sample("norm", (48,))
    assert plan.rows == (0,) and (plan.col0, plan.ncols) == (0, 48)
    plan = plan_sample("w", (8, 16))
    assert plan.rows == tuple(range(8)) and plan.ncols == 16


@pytest.mark.parametrize(("rows", "heads"), [(256, 4), (128, 2), (64, 8)])
def test_row_mapping_inverts_the_converter_permutation(rows: int, heads: int) -> None:
    w = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3)
    permuted = _permute(w, heads)
    for r in range(rows):
        assert (permuted[hf_row_to_gguf(r, rows, heads)] == w[r]).all()


@pytest.mark.parametrize(("arch", "gguf", "hf"), [
    ("llama", "blk.3.attn_q.weight", "model.layers.3.self_attn.q_proj.weight"),
    ("qwen2", "blk.0.attn_k.bias", "model.layers.0.self_attn.k_proj.bias"),
    ("gemma3", "blk.2.ffn_norm.weight", "model.layers.2.pre_feedforward_layernorm.weight"),
    ("gemma3", "blk.2.post_ffw_norm.weight", "model.layers.2.post_feedforward_layernorm.weight"),
    ("gemma", "blk.2.ffn_norm.weight", "model.layers.2.post_attention_layernorm.weight"),
    ("phi3", "blk.1.attn_qkv.weight", "model.layers.1.self_attn.qkv_proj.weight"),
    ("phi3", "blk.1.ffn_up.weight", "model.layers.1.mlp.gate_up_proj.weight"),
    ("llama", "token_embd.weight", "model.embed_tokens.weight"),
    ("llama", "rope_freqs.weight", None),
])
def test_gguf_names(arch: str, gguf: str, hf: str | None) -> None:
    assert hf_name(gguf, arch) == hf


def test_multimodal_prefix_is_dropped() -> None:
    assert canonical_hf_name("model.language_model.layers.0.mlp.up_proj.weight") == (
        "model.layers.0.mlp.up_proj.weight")


def test_merge_ranges() -> None:
    assert merge_ranges([(100, 10), (0, 10), (5, 10)], gap=0) == [(0, 15), (100, 10)]
    assert merge_ranges([(0, 10), (20, 10)], gap=10) == [(0, 30)]
