"""Benchmark: bytes a weight fingerprint fetches per model, against the model's size.

A model of each real shape is served by a virtual range reader: its safetensors header is
built from the architecture's tensor shapes (bf16, one shard per ~5 GB as the Hub's models are
sharded) and its data bytes are zeros made on demand, so a 70B model needs no disk. The real
fingerprint code (:func:`auditor.fingerprint._safetensors.sample_safetensors`, merged range
reads included) runs on it and every byte and request it asks for is counted.
Target (issue 16): at most 1% of the model's size and at most 8 MB, whatever the size.

    .venv/bin/python bench/fingerprint_bytes.py
"""

from __future__ import annotations

import json
import struct
import sys
import threading
from math import prod
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# name: (hidden, intermediate, layers, heads, kv_heads, vocab, tied embeddings)
SHAPES = {
    "gemma-3-270m": (640, 2048, 18, 4, 1, 262144, True),
    "llama-3.2-1b": (2048, 8192, 16, 32, 8, 128256, True),
    "llama-3.1-8b": (4096, 14336, 32, 32, 8, 128256, False),
    "llama-3.1-70b": (8192, 28672, 80, 64, 8, 128256, False),
}
SHARD_BYTES = 5 << 30
TARGET_FRACTION, TARGET_BYTES = 0.01, 8 << 20


def tensors(hidden: int, inter: int, layers: int, heads: int, kv: int, vocab: int,
            tied: bool) -> list[tuple[str, tuple[int, ...]]]:
    head_dim = hidden // heads
    out = [("model.embed_tokens.weight", (vocab, hidden)), ("model.norm.weight", (hidden,))]
    if not tied:
        out.append(("lm_head.weight", (vocab, hidden)))
    for i in range(layers):
        p = f"model.layers.{i}."
        out += [(p + "input_layernorm.weight", (hidden,)),
                (p + "post_attention_layernorm.weight", (hidden,)),
                (p + "self_attn.q_proj.weight", (heads * head_dim, hidden)),
                (p + "self_attn.k_proj.weight", (kv * head_dim, hidden)),
                (p + "self_attn.v_proj.weight", (kv * head_dim, hidden)),
                (p + "self_attn.o_proj.weight", (hidden, heads * head_dim)),
                (p + "mlp.gate_proj.weight", (inter, hidden)),
                (p + "mlp.up_proj.weight", (inter, hidden)),
                (p + "mlp.down_proj.weight", (hidden, inter))]
    return out


def shards(spec: list[tuple[str, tuple[int, ...]]]) -> dict[str, tuple[bytes, int]]:
    """file name -> (header prefix: length + JSON, total file size), bf16 tensors."""
    groups: list[list[tuple[str, tuple[int, ...]]]] = [[]]
    size = 0
    for name, shape in spec:
        if size > SHARD_BYTES:
            groups.append([])
            size = 0
        groups[-1].append((name, shape))
        size += 2 * prod(shape)
    files = {}
    for index, group in enumerate(groups):
        header, offset = {}, 0
        for name, shape in group:
            n = 2 * prod(shape)
            header[name] = {"dtype": "BF16", "shape": list(shape),
                            "data_offsets": [offset, offset + n]}
            offset += n
        raw = json.dumps(header).encode()
        prefix = struct.pack("<Q", len(raw)) + raw
        files[f"model-{index + 1:05d}-of-{len(groups):05d}.safetensors"] = (prefix,
                                                                            len(prefix) + offset)
    return files


class VirtualFiles:
    """A range reader over headers + zero data; counts bytes and requests."""

    def __init__(self, files: dict[str, tuple[bytes, int]]) -> None:
        self.files, self.bytes, self.requests = files, 0, 0
        self.lock = threading.Lock()

    def __call__(self, filename: str, start: int, length: int) -> bytes:
        prefix, size = self.files[filename]
        assert start + length <= size
        with self.lock:
            self.bytes += length
            self.requests += 1
        head = prefix[start:start + length]
        return head + bytes(length - len(head))


def main() -> None:
    from auditor.fingerprint._safetensors import sample_safetensors

    print(f"{'model':16} {'size':>10} {'fetched':>10} {'share':>8} {'requests':>9}  target")
    worst_ok = True
    for name, shape in SHAPES.items():
        files = shards(tensors(*shape))
        reader = VirtualFiles(files)
        sample_safetensors(reader, sorted(files))
        total = sum(size for _, size in files.values())
        share = reader.bytes / total
        ok = share <= TARGET_FRACTION and reader.bytes <= TARGET_BYTES
        worst_ok &= ok
        print(f"{name:16} {total / 2**30:8.2f}GB {reader.bytes / 2**20:8.2f}MB "
              f"{100 * share:7.3f}% {reader.requests:9d}  {'ok' if ok else 'MISSED'}")
    sys.exit(0 if worst_ok else 1)


if __name__ == "__main__":
    main()
