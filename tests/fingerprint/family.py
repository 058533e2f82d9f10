"""A tiny family for fingerprint tests: a random Llama-style parent (hidden 256, so K-quants
apply), its GGUFs (F16 written like llama.cpp's converter, Q8_0 and Q4_K_M by llama.cpp's own
quantizer), a fine-tune, a merged LoRA and an unrelated model of the same shape."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from tests.fixtures.tiny_models import build_tiny_gguf, build_tiny_hf_model

SHAPE = {"hidden": 256, "intermediate": 512, "layers": 2, "heads": 4, "kv_heads": 2,
         "init_range": 0.05}
_MATRICES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def build_parent(root: Path, seed: int = 0) -> Path:
    return build_tiny_hf_model(root / f"parent-{seed}", seed=seed, **SHAPE)  # type: ignore[arg-type]


def build_gguf(parent: Path, out: Path, quantization: str) -> Path:
    """``F16`` by the converter stand-in; other types quantized by llama.cpp from F32."""
    if quantization in ("F16", "F32"):
        return build_tiny_gguf(parent, out, dtype=quantization.lower())
    from auditor.demo import quantize_gguf

    f32 = build_tiny_gguf(parent, out.with_name(out.stem + "-src-F32.gguf"))
    quantize_gguf(f32, out, quantization)
    return out


def _rewrite(parent: Path, out: Path, change: dict[str, np.ndarray]) -> Path:
    from safetensors.numpy import load_file, save_file

    shutil.copytree(parent, out)
    weights = load_file(parent / "model.safetensors")
    weights.update(change)
    save_file(weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    return out


def build_finetune(parent: Path, out: Path, layer: int = 1, scale: float = 0.5) -> Path:
    """Every matrix of one layer moved by full-rank noise ``scale`` times its own spread;
    embeddings and other layers kept."""
    from safetensors.numpy import load_file

    weights = load_file(parent / "model.safetensors")
    rng = np.random.default_rng(7)
    change = {}
    for name, w in weights.items():
        if f"layers.{layer}." in name and w.ndim == 2:
            change[name] = (w + scale * w.std() * rng.standard_normal(w.shape)).astype(w.dtype)
    return _rewrite(parent, out, change)


def build_lora_merge(parent: Path, out: Path, rank: int = 4, scale: float = 0.5) -> Path:
    """``W + B @ A`` (rank ``rank``) merged into every attention and MLP matrix."""
    from safetensors.numpy import load_file

    weights = load_file(parent / "model.safetensors")
    rng = np.random.default_rng(11)
    change = {}
    for name, w in weights.items():
        if w.ndim == 2 and any(m in name for m in _MATRICES):
            a = rng.standard_normal((rank, w.shape[1]))
            b = rng.standard_normal((w.shape[0], rank))
            delta = b @ a
            delta *= scale * np.linalg.norm(w) / np.linalg.norm(delta)
            change[name] = (w + delta).astype(w.dtype)
    return _rewrite(parent, out, change)
