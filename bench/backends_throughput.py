"""Benchmark: the vllm backend against the transformers backend on the same CPU and prompts.

Both backends generate the same prompts (greedy, the same max new tokens, the model's chat
template) through ``load_backend`` + ``Backend.generate``, each in its own fresh process:
transformers in batches of ``--hf-batch`` (left-padded ``generate``), vLLM given the whole
list at once (its scheduler batches continuously). Reported per backend: load seconds,
generation wall seconds, generated tokens and tokens/s; then the vLLM / transformers ratio of
tokens/s (issue 17's target: at least 3x on the same CPU).

The model is a random-weight Llama-style model built here (hidden 512, 8 layers, 8 heads of
64, vocabulary of the tiny trained tokenizer): random weights rarely emit the end token, so
every request runs to the token budget and both backends generate the same number of tokens.

``--model demo`` times the demo family's safety root instead (Gemma 3 270M, safetensors,
float32; ``make demo`` caches it): a real model, where generation rather than per-step
overhead dominates. ``--model PATH`` times any local safetensors folder.

    .venv/bin/python bench/backends_throughput.py [--model demo|PATH] [--prompts 64]
        [--max-new-tokens 64] [--hf-batch 16]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _build_model(folder: Path) -> Path:
    from auditor.doctor import build_tiny_hf_model

    return build_tiny_hf_model(folder, hidden=512, layers=8, heads=8, kv_heads=8,
                               intermediate=1408, init_range=0.02)


def _demo_root() -> Path:
    """The demo's safety root as ``make demo`` cached it (``bench/peers.py`` finds it)."""
    from peers import gemma_subject  # bench/ is this script's folder, first on sys.path

    folder = gemma_subject().hf_dir
    if folder is None:
        raise SystemExit("--model demo: the demo family is not cached yet; run `make demo` first")
    return folder


def _one(backend: str, model: str, prompts: int, max_new_tokens: int,
         hf_batch: int) -> dict[str, Any]:
    """Run in a child process: load, generate every prompt, time it."""
    if backend == "vllm":
        from auditor.backends._vllm_engine import import_vllm

        import_vllm()
    from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest, load_backend
    from auditor.refs import resolve_reference
    from auditor.suites import Message

    requests = [GenerationRequest((Message("user", f"Question {i}: how do I bake bread "
                                             f"with {i} eggs and a little salt?"),), seed=i)
                for i in range(prompts)]
    config = GenerationConfig(max_new_tokens=max_new_tokens)
    start = time.perf_counter()
    loaded = load_backend(resolve_reference(model), backend,
                          BackendOptions(device="cpu", batch_size=hf_batch
                                         if backend == "transformers" else None))
    load_s = time.perf_counter() - start
    size = loaded.batch_size
    start = time.perf_counter()
    results = []
    for first in range(0, len(requests), size):
        results.extend(loaded.generate(requests[first:first + size], config))
    wall = time.perf_counter() - start
    loaded.close()
    errors = [r.error for r in results if r.error]
    tokens = sum(r.n_completion_tokens for r in results)
    return {"backend": backend, "load_s": round(load_s, 2), "generate_s": round(wall, 2),
            "tokens": tokens, "tokens_per_s": round(tokens / wall, 1), "batch": size,
            "errors": len(errors), "first_error": errors[0] if errors else ""}


def _child(backend: str, model: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", backend, "--model", str(model),
           "--prompts", str(args.prompts), "--max-new-tokens", str(args.max_new_tokens),
           "--hf-batch", str(args.hf_batch)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{backend} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--hf-batch", type=int, default=16)
    parser.add_argument("--child", default="")
    parser.add_argument("--model", default="")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_one(args.child, args.model, args.prompts, args.max_new_tokens,
                              args.hf_batch)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.model == "demo":
            model = _demo_root()
        else:
            model = Path(args.model) if args.model else _build_model(Path(tmp) / "llama-512x8")
        rows = [_child(name, model, args) for name in ("transformers", "vllm")]
    for row in rows:
        print(f"{row['backend']:>12}: load {row['load_s']:6.1f} s, generate "
              f"{row['generate_s']:6.1f} s, {row['tokens']} tokens, "
              f"{row['tokens_per_s']:7.1f} tokens/s (batch {row['batch']}, "
              f"{row['errors']} errors)")
    ratio = rows[1]["tokens_per_s"] / max(rows[0]["tokens_per_s"], 1e-9)
    print(f"vllm / transformers tokens/s: {ratio:.2f}x (target >= 3x); "
          f"{args.prompts} prompts x {args.max_new_tokens} new tokens on {model.name}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
