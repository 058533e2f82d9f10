"""GGUF tensor names to Hugging Face names, and what llama.cpp's converter did to the values.

``convert_hf_to_gguf.py`` renames every tensor (``model.layers.3.self_attn.q_proj.weight`` ->
``blk.3.attn_q.weight``) and, for some architectures, changes values:

- llama-style models (``llama``: Llama, Mistral and others written as llama) get the rows of
  ``q_proj``/``k_proj`` permuted (``LlamaModel.permute``: each head's rotary halves
  interleaved), with ``n_head`` for Q and ``n_head_kv`` for K; :func:`hf_row_to_gguf` maps a
  sampled row back;
- Gemma (1, 2, 3) stores every RMSNorm weight plus one (its norm multiplies by ``1 + w``).

Qwen2 and Phi-3 keep their values (Phi-3's fused ``qkv_proj``/``gate_up_proj`` stay fused).
"""

from __future__ import annotations

import re

#: Architectures whose Q/K rows the converter permutes.
PERMUTED_QK = frozenset({"llama", "mistral", "granite"})
#: Architectures whose norm weights the converter stores as ``w + 1``.
NORM_PLUS_ONE = frozenset({"gemma", "gemma2", "gemma3"})

_GLOBAL = {
    "token_embd.weight": "model.embed_tokens.weight",
    "output_norm.weight": "model.norm.weight",
    "output.weight": "lm_head.weight",
}
_BLOCK = {
    "attn_norm": "input_layernorm",
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_qkv": "self_attn.qkv_proj",
    "attn_output": "self_attn.o_proj",
    "attn_q_norm": "self_attn.q_norm",
    "attn_k_norm": "self_attn.k_norm",
    "ffn_norm": "post_attention_layernorm",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
# Gemma 2/3 have four norms per block; ffn_norm is the one before the MLP there.
_GEMMA2_BLOCK = {
    "post_attention_norm": "post_attention_layernorm",
    "ffn_norm": "pre_feedforward_layernorm",
    "post_ffw_norm": "post_feedforward_layernorm",
}
_PHI3_BLOCK = {"ffn_up": "mlp.gate_up_proj"}
_BLK = re.compile(r"^blk\.(\d+)\.([a-z_]+)\.(weight|bias)$")
_HF_PREFIXES = ("model.language_model.", "language_model.model.")


def hf_name(gguf_name: str, arch: str) -> str | None:
    """The Hugging Face name of a GGUF tensor, or None when this architecture's name is not
    known (the tensor is then left out of the comparison)."""
    if gguf_name in _GLOBAL:
        return _GLOBAL[gguf_name]
    match = _BLK.match(gguf_name)
    if match is None:
        return None
    layer, part, kind = match.groups()
    table = dict(_BLOCK)
    if arch in ("gemma2", "gemma3"):
        table.update(_GEMMA2_BLOCK)
    elif arch == "phi3":
        table.update(_PHI3_BLOCK)
    target = table.get(part)
    return None if target is None else f"model.layers.{layer}.{target}.{kind}"


def canonical_hf_name(name: str) -> str:
    """A Hugging Face tensor name without a multimodal wrapper's prefix."""
    for prefix in _HF_PREFIXES:
        if name.startswith(prefix):
            return "model." + name[len(prefix):]
    return name


def permuted_heads(hf: str, arch: str, n_head: int, n_head_kv: int) -> int | None:
    """The head count the converter permuted this tensor's rows with, or None."""
    if arch not in PERMUTED_QK:
        return None
    if hf.endswith("self_attn.q_proj.weight"):
        return n_head
    if hf.endswith("self_attn.k_proj.weight"):
        return n_head_kv
    return None


def hf_row_to_gguf(row: int, nrows: int, n_head: int) -> int:
    """Where HF row ``row`` of a Q/K projection lies after ``LlamaModel.permute``.

    ``permute`` reshapes rows to ``(n_head, 2, half)``, swaps the last two axes and flattens:
    HF row ``h*D + j*half + i`` (``D = nrows / n_head``, ``half = D / 2``) becomes GGUF row
    ``h*D + 2*i + j``."""
    per_head = nrows // n_head
    half = per_head // 2
    head, rest = divmod(row, per_head)
    j, i = divmod(rest, half)
    return head * per_head + 2 * i + j
