"""GPU throughput of the auditor's backends on one card (driven by ``bench/gpu_throughput.sh``).

The same prompts (the built-in ``harm`` and ``benign-twins`` suites, chat template applied by
each backend), greedy, the same max new tokens, through:
  transformers -- ``--backend transformers`` on ``cuda`` (batched, left padding);
  llamacpp     -- the GGUF with every layer offloaded (``n_gpu_layers=-1``);
  vllm         -- when ``auditor.backends`` lists it (continuous batching of the whole list).
Each engine runs in a fresh process (``bench/peers.py``'s worker), so one engine's CUDA memory
never holds another's. An engine that cannot run here (not installed, no CUDA build) is a row
with its reason, not a failure of the whole table. Prints a Markdown table headed with the
card's name (``nvidia-smi``) and the ratio of each engine's tokens/s to transformers'.

    python bench/gpu_throughput.py [--hf-dir DIR] [--gguf FILE] [--prompts 64]
        [--max-new-tokens 128] [--batch 32] [--out table.md]

Without ``--hf-dir``/``--gguf`` it uses the demo family's Gemma 3 270M (safetensors root and
its F32 GGUF) when ``make demo`` has cached it, else the random-weight tiny Llama built here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import Row, Subject, gemma_subject, prompts, run_auditor, tiny_subject  # noqa: E402


def card_name() -> str:
    """The GPU's name as ``nvidia-smi`` reports it (first card), or why there is none."""
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                              "--format=csv,noheader"], capture_output=True, text=True,
                             timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"no nvidia-smi ({exc})"
    lines = out.stdout.strip().splitlines()
    return lines[0].strip() if out.returncode == 0 and lines else "no NVIDIA GPU found"


def pick_subject(args: argparse.Namespace, workdir: Path) -> Subject:
    if args.hf_dir or args.gguf:
        ggufs = (("GGUF", args.gguf),) if args.gguf else ()
        return Subject(args.hf_dir.name if args.hf_dir else args.gguf.name, args.hf_dir, ggufs)
    try:
        gemma = gemma_subject()
        if gemma.hf_dir is not None:
            return Subject(gemma.name, gemma.hf_dir, gemma.ggufs[:1])
    except Exception as exc:  # noqa: BLE001 - any failure here just means "no demo cache"
        print(f"demo Gemma unavailable ({exc}); using the tiny model", file=sys.stderr)
    return tiny_subject(workdir)


def run_engines(subject: Subject, args: argparse.Namespace, workdir: Path) -> list[Row]:
    from auditor.backends import backend_names

    spec = {"threads": None, "batch_size": args.batch, "workdir": str(workdir),
            "max_new_tokens": args.max_new_tokens, "conversations": prompts(args.prompts),
            "device": "cuda", "n_gpu_layers": -1}
    rows = []
    if subject.hf_dir is not None:
        rows.append(run_auditor(subject.name, "transformers", "safetensors", subject.hf_dir,
                                spec)[0])
        if "vllm" in backend_names():
            rows.append(run_auditor(subject.name, "vllm", "safetensors", subject.hf_dir,
                                    {**spec, "batch_size": args.prompts})[0])
        else:
            rows.append(Row(subject.name, "auditor:vllm", 0.0, 0, 0.0,
                            "not listed by auditor.backends (vllm not installed?)"))
    for label, gguf in subject.ggufs:
        rows.append(run_auditor(subject.name, "llamacpp", f"{label}, n_gpu_layers=-1", gguf,
                                spec)[0])
    return rows


def table(card: str, subject: Subject, rows: list[Row], args: argparse.Namespace) -> str:
    base = next((r for r in rows if "transformers" in r.engine and r.tokens), None)
    lines = [f"GPU: {card}", f"model: {subject.name}; {args.prompts} prompts, greedy, "
             f"max {args.max_new_tokens} new tokens, batch {args.batch}", "",
             "| engine | tokens | generation s | tokens/s | vs transformers | wall s | note |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        ratio = f"{r.tokens_per_s / base.tokens_per_s:.2f}x" if base and r.tokens else ""
        lines.append(f"| {r.engine} | {r.tokens} | {r.gen_s:.1f} | {r.tokens_per_s:.0f} | "
                     f"{ratio} | {r.wall_s:.1f} | {r.error} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hf-dir", type=Path)
    parser.add_argument("--gguf", type=Path)
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    card = card_name()
    with tempfile.TemporaryDirectory(prefix="gpu-throughput-") as tmp:
        subject = pick_subject(args, Path(tmp))
        text = table(card, subject, run_engines(subject, args, Path(tmp)), args)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
