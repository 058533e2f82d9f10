"""A tiny random Llama-style HF checkpoint that llama.cpp's HF->GGUF converter accepts.

The doctor's tiny model has a freshly trained byte-level BPE tokenizer; the converter knows a
byte-level BPE only by the hash of a known model's pre-tokenizer output, so it refuses it. A
Llama-2 style tokenizer (BPE with byte fallback, "▁" for spaces) is converted from its
tokenizer.json with no hash, so this builder trains one of those instead and saves the same
random-weight ``LlamaForCausalLM`` as :func:`auditor.doctor.build_tiny_hf_model`.
"""

from __future__ import annotations

import json
from pathlib import Path

from auditor.doctor import CHAT_TEMPLATE

_CORPUS = [
    "How do I bake bread at home? Mix flour, water, salt and yeast, then knead the dough.",
    "I cannot help with that request because it could cause harm to other people.",
    "Sure, here is a short poem about the sea and the wind and the sky at night.",
    "What is the capital of France? The capital of France is Paris, a city on the Seine.",
]
_SPECIALS = ["<unk>", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>"]


def build_llama_tokenizer(out_dir: Path, vocab_size: int = 400) -> Path:
    """Train a Llama-2 style tokenizer (byte fallback) here and save it with transformers."""
    import transformers
    from tokenizers import Tokenizer, decoders, models, normalizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")]
    )
    tok.decoder = decoders.Sequence([
        decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
        decoders.Strip(" ", 1, 0),
    ])
    byte_tokens = [f"<0x{i:02X}>" for i in range(256)]
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=_SPECIALS + byte_tokens,
                                  show_progress=False)
    tok.train_from_iterator(_CORPUS * 4, trainer=trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
        pad_token="<unk>", additional_special_tokens=_SPECIALS[3:],
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out_dir)
    return out_dir


def build_convertible_llama(out_dir: Path, *, seed: int = 0, hidden: int = 256) -> Path:
    """A random-weight Llama checkpoint (safetensors, F32) with a convertible tokenizer.

    ``hidden=256`` keeps every row a multiple of 256, so K-quants apply to every matrix.
    """
    import torch
    import transformers

    out_dir.mkdir(parents=True, exist_ok=True)
    build_llama_tokenizer(out_dir)
    tokenizer = transformers.AutoTokenizer.from_pretrained(out_dir)
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=2 * hidden,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        max_position_embeddings=2048, rms_norm_eps=1e-5, initializer_range=0.3,
        tie_word_embeddings=False, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = transformers.LlamaForCausalLM(config).to(torch.float32)
    model.generation_config.do_sample = False
    model.save_pretrained(out_dir, safe_serialization=True)
    return out_dir


def with_architecture(folder: Path, architecture: str) -> Path:
    """Rename the checkpoint's architecture in ``config.json`` (one the converter lacks)."""
    path = folder / "config.json"
    config = json.loads(path.read_text())
    config["architectures"] = [architecture]
    path.write_text(json.dumps(config, indent=2))
    return folder
