"""Generation and backend options shared by ``auditor eval`` and ``auditor audit``.

One definition per option (flag name, help, bounds), so the two commands cannot drift apart.
Each command's parameter defaults to ``None``, "not given": the default is then the one of the
record the value lands in (``GenerationConfig``, ``BackendOptions``, ``AuditConfig``), and
``show_default`` only displays it; ``tests/cli/test_options.py`` keeps the two equal. For
``auditor audit``, ``None`` also lets a ``--config`` file's value stand.
"""

from __future__ import annotations

import typer

MAX_NEW_TOKENS = typer.Option("--max-new-tokens", min=1, show_default="256",
                              help="Tokens generated per response.")
SEED = typer.Option("--seed", min=0, show_default="0", help="Seed (sample i uses seed + i).")
SAMPLES = typer.Option("--samples", min=1, show_default="1",
                       help="Samples per item (needs --temperature > 0).")
TEMPERATURE = typer.Option("--temperature", min=0.0, show_default="0.0",
                           help="0 = greedy decoding.")
TOP_P = typer.Option("--top-p", show_default="1.0",
                     help="Nucleus sampling mass, in (0, 1] (ignored by greedy decoding).")
ENABLE_THINKING = typer.Option("--enable-thinking", show_default="off",
                               help="Turn thinking on where the template supports it.")
BACKEND = typer.Option("--backend", show_default="auto",
                       help="auto | transformers | llamacpp | openai | vllm.")
DEVICE = typer.Option("--device", show_default="auto", help="auto | cpu | cuda | cuda:N | mps.")
DTYPE = typer.Option("--dtype", show_default="auto",
                     help="auto | float32 | bfloat16 | float16 (transformers).")
THREADS = typer.Option("--threads", min=1, show_default="the library's choice",
                       help="CPU threads.")
N_GPU_LAYERS = typer.Option("--n-gpu-layers", show_default="0",
                            help="Layers offloaded to the GPU (llama.cpp; -1: all).")
N_CTX = typer.Option("--n-ctx", min=1, show_default="4096", help="Context length (llama.cpp).")
BATCH_SIZE = typer.Option(
    "--batch-size", min=1, show_default="the backend's choice",
    help="Prompts per batch (transformers: 8 on a GPU, 4 on a CPU; openai: --concurrency).")
GPU_MEMORY_UTILIZATION = typer.Option(
    "--gpu-memory-utilization", min=0.01, max=1.0, show_default="0.9",
    help="Share of each GPU's memory vLLM may take (weights + KV cache).")
TENSOR_PARALLEL = typer.Option("--tensor-parallel", min=1, show_default="1",
                               help="GPUs one model is split across (vllm).")
CONCURRENCY = typer.Option("--concurrency", min=1, show_default="8",
                           help="Requests in flight (openai).")
CHAT_TEMPLATE = typer.Option(
    "--chat-template", show_default="auto",
    help="auto | none (completion mode) | embedded | builtin:gemma|chatml|llama3|mistral | a "
    "Jinja file | a model folder whose template to borrow (e.g. the parent's).")
REQUEST_TIMEOUT = typer.Option(
    "--request-timeout", min=1.0, show_default="600.0",
    help="Seconds one request may take before it counts as failed (openai) or the llama.cpp "
    "worker counts as hung and is killed.")
IN_PROCESS = typer.Option(
    "--in-process", show_default="off",
    help="Run llama.cpp in this process, not a worker (debugging only: a native crash then "
    "ends the command).")
TRUST_REMOTE_CODE = typer.Option("--trust-remote-code", show_default="off",
                                 help="Run Python code shipped by the repo.")
ALLOW_PICKLE = typer.Option("--allow-pickle", show_default="off",
                            help="Load pickle (.bin/.pt) checkpoints.")
CONDITION = typer.Option(
    "--condition", metavar="NAME", show_default="none",
    help="Also evaluate every item under this condition, paired with the plain one "
    "(repeatable; `auditor conditions` lists them), e.g. defence:stack, prefill, lang:es.")
QUANTIZE = typer.Option(
    "--quantize", metavar="TYPE", show_default="none",
    help="Also make and evaluate each full-precision model as TYPE (repeatable): a GGUF type "
    "made with llama.cpp's own converter and quantizer (Q8_0, Q4_K_M, Q2_K, ...), or "
    "bnb-nf4 | bnb-int8 (bitsandbytes, applied as the model loads; GPU, or CPU with "
    "bitsandbytes 0.48+), or gptq-4bit (made by gptqmodel where installed).")
