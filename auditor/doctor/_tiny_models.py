"""Tiny real models built from scratch, with no network: a random-weight Llama-style
transformers checkpoint (safetensors) with a byte-level BPE tokenizer trained on the spot and a
chat template, and the same weights written as a GGUF file the way llama.cpp's converter
writes them (Q/K rows permuted, F32 or F16).

``auditor doctor`` decodes with each backend on these (a quantized GGUF is made from the F32
one by llama.cpp's own quantizer, :func:`auditor.demo.quantize_gguf`); the test suite builds
its fixtures with them too. Random weights: the text is gibberish, which is all a check that
the native code runs needs. K-quants need rows whose length is a multiple of 256
(``hidden=256, intermediate=512``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from auditor.backends import import_hf
from auditor.gguf import import_gguf_package

CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}{{ eos_token }}\n"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
SPECIAL_TOKENS = ["<s>", "</s>", "<pad>", "<|system|>", "<|user|>", "<|assistant|>"]

_CORPUS = [
    "How do I bake bread at home? Mix flour, water, salt and yeast, then knead the dough.",
    "Explain how a bicycle works. The chain turns the rear wheel when you push the pedals.",
    "I cannot help with that request because it could cause harm to other people.",
    "Sure, here is a short poem about the sea and the wind and the sky at night.",
    "What is the capital of France? The capital of France is Paris, a city on the Seine.",
    "Please write a story about a robot who learns to paint pictures of flowers.",
    "The quick brown fox jumps over the lazy dog while the cat sleeps in the sun.",
    "Safety matters: refuse dangerous requests, and help with everything benign.",
]


def build_tokenizer(out_dir: Path, vocab_size: int = 512) -> Path:
    """Train a byte-level BPE tokenizer here and save it as a PreTrainedTokenizerFast."""
    _, transformers = import_hf()
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_CORPUS * 4, trainer=trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        additional_special_tokens=SPECIAL_TOKENS[3:],
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out_dir)
    return out_dir


def build_tiny_hf_model(
    out_dir: Path,
    *,
    hidden: int = 64,
    layers: int = 2,
    heads: int = 4,
    kv_heads: int = 2,
    intermediate: int = 128,
    seed: int = 0,
    init_range: float = 0.3,
) -> Path:
    """A random-weight Llama-style causal LM saved with ``save_pretrained`` (safetensors)."""
    torch, transformers = import_hf()

    out_dir.mkdir(parents=True, exist_ok=True)
    build_tokenizer(out_dir)
    tokenizer = transformers.AutoTokenizer.from_pretrained(out_dir)
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=intermediate,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        max_position_embeddings=2048,
        rms_norm_eps=1e-5,
        initializer_range=init_range,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = transformers.LlamaForCausalLM(config).to(torch.float32)
    model.generation_config.do_sample = False
    model.save_pretrained(out_dir, safe_serialization=True)
    return out_dir


def _permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """llama.cpp's Q/K row order (rotary pairs interleaved), as its HF converter does."""
    return (
        w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


def build_tiny_gguf(
    hf_dir: Path,
    out_path: Path,
    *,
    dtype: str = "f32",
    chat_template: str | None = CHAT_TEMPLATE,
    name: str = "tiny-llama",
) -> Path:
    """Write the HF checkpoint in ``hf_dir`` as a GGUF file (llama architecture, gpt2 BPE)."""
    gguf = _import_gguf()
    from safetensors.numpy import load_file

    config = json.loads((hf_dir / "config.json").read_text())
    tok_json = json.loads((hf_dir / "tokenizer.json").read_text())
    weights: dict[str, np.ndarray] = {}
    for path in sorted(hf_dir.glob("*.safetensors")):
        weights.update(load_file(path))
    writer = gguf.GGUFWriter(str(out_path), "llama")
    _write_metadata(writer, config, dtype, name)
    _write_tokenizer(writer, tok_json, config, chat_template)
    float_type = np.float16 if dtype == "f16" else np.float32
    for gguf_name, array in _tensors(weights, config):
        data = array.astype(np.float32 if array.ndim == 1 else float_type)
        writer.add_tensor(gguf_name, data)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return out_path


def _write_metadata(w: Any, config: dict[str, Any], dtype: str, name: str) -> None:
    gguf = _import_gguf()
    w.add_name(name)
    w.add_context_length(config["max_position_embeddings"])
    w.add_embedding_length(config["hidden_size"])
    w.add_block_count(config["num_hidden_layers"])
    w.add_feed_forward_length(config["intermediate_size"])
    w.add_head_count(config["num_attention_heads"])
    w.add_head_count_kv(config["num_key_value_heads"])
    w.add_layer_norm_rms_eps(config["rms_norm_eps"])
    rope = (config.get("rope_parameters") or {}).get("rope_theta") or config.get(
        "rope_theta", 10000.0
    )
    w.add_rope_freq_base(float(rope))
    w.add_rope_dimension_count(config["hidden_size"] // config["num_attention_heads"])
    w.add_vocab_size(config["vocab_size"])
    file_type = gguf.LlamaFileType.MOSTLY_F16 if dtype == "f16" else gguf.LlamaFileType.ALL_F32
    w.add_file_type(file_type)


def _write_tokenizer(
    w: Any, tok_json: dict[str, Any], config: dict[str, Any], chat_template: str | None
) -> None:
    gguf = _import_gguf()
    vocab: dict[str, int] = dict(tok_json["model"]["vocab"])
    added = {t["content"]: t["id"] for t in tok_json.get("added_tokens", [])}
    vocab.update(added)
    tokens = [""] * config["vocab_size"]
    for text, index in vocab.items():
        tokens[index] = text
    types = [
        gguf.TokenType.CONTROL if t in added else gguf.TokenType.NORMAL for t in tokens
    ]
    merges = [m if isinstance(m, str) else " ".join(m) for m in tok_json["model"]["merges"]]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("gpt-2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(config["bos_token_id"])
    w.add_eos_token_id(config["eos_token_id"])
    w.add_pad_token_id(config["pad_token_id"])
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    if chat_template is not None:
        w.add_chat_template(chat_template)


def _tensors(
    weights: dict[str, np.ndarray], config: dict[str, Any]
) -> list[tuple[str, np.ndarray]]:
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    out = [
        ("token_embd.weight", weights["model.embed_tokens.weight"]),
        ("output_norm.weight", weights["model.norm.weight"]),
        ("output.weight", weights["lm_head.weight"]),
    ]
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        out += [
            (f"blk.{i}.attn_norm.weight", weights[p + "input_layernorm.weight"]),
            (f"blk.{i}.attn_q.weight", _permute(weights[p + "self_attn.q_proj.weight"], heads)),
            (f"blk.{i}.attn_k.weight",
             _permute(weights[p + "self_attn.k_proj.weight"], kv_heads)),
            (f"blk.{i}.attn_v.weight", weights[p + "self_attn.v_proj.weight"]),
            (f"blk.{i}.attn_output.weight", weights[p + "self_attn.o_proj.weight"]),
            (f"blk.{i}.ffn_norm.weight", weights[p + "post_attention_layernorm.weight"]),
            (f"blk.{i}.ffn_gate.weight", weights[p + "mlp.gate_proj.weight"]),
            (f"blk.{i}.ffn_up.weight", weights[p + "mlp.up_proj.weight"]),
            (f"blk.{i}.ffn_down.weight", weights[p + "mlp.down_proj.weight"]),
        ]
    return out


def _import_gguf() -> Any:
    return import_gguf_package("writing GGUF files")


__all__ = ["CHAT_TEMPLATE", "SPECIAL_TOKENS", "build_tiny_gguf", "build_tiny_hf_model",
           "build_tokenizer"]
