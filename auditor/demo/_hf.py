"""Full-precision transformers checkpoints for the demo family.

transformers reads a GGUF file and dequantizes it (~35-100 s and 2.6 GB peak for the 270M
model on 2 cores). The demo does that once and saves the weights as float32 safetensors:
loading those afterwards takes well under a second (memory-mapped) plus ~2 s for the
tokenizer, so every later step (fine-tunes, merges, the transformers node of the audit)
starts from safetensors.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from auditor.backends import import_hf
from auditor.demo._chat import CHAT_TEMPLATE, END_OF_TURN_ID

log = logging.getLogger(__name__)


def dequantize_gguf_to_safetensors(gguf_path: Path, out_dir: Path) -> float:
    """Load ``gguf_path`` with transformers (dequantized, float32) and save it to ``out_dir``.

    Returns the seconds spent loading from GGUF. transformers parses the whole GGUF (its
    262k-token vocabulary in pure Python, ~15 s) once for the tokenizer and again for the
    model, each on one core: the tokenizer is converted in a child process while this one loads
    the model, which takes ~20 s off a cold demo on 2 cores. Written to a temporary folder first.
    """
    torch, transformers = import_hf()
    with _building(out_dir) as tmp:
        tokenizer_dir = tmp.with_name(tmp.name + "-tokenizer")
        shutil.rmtree(tokenizer_dir, ignore_errors=True)
        start = time.perf_counter()
        try:
            spawn = multiprocessing.get_context("spawn")  # never fork a process holding torch
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
                tokenizer_job = pool.submit(_save_gguf_tokenizer, gguf_path, tokenizer_dir)
                model = transformers.AutoModelForCausalLM.from_pretrained(
                    gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32
                )
                tokenizer_job.result()
            seconds = time.perf_counter() - start
            # The weights are plain float32 now; transformers refuses to save a model that
            # still carries its GGUF "quantization" config, so drop it.
            if hasattr(model.config, "quantization_config"):
                del model.config.quantization_config
            model.hf_quantizer = None
            model.config.name_or_path = gguf_path.stem
            model.save_pretrained(tmp, safe_serialization=True)
            for file in tokenizer_dir.iterdir():
                file.replace(tmp / file.name)
        finally:
            shutil.rmtree(tokenizer_dir, ignore_errors=True)
    log.info("dequantized %s with transformers in %.1f s -> %s", gguf_path.name, seconds, out_dir)
    return seconds


def _save_gguf_tokenizer(gguf_path: Path, out_dir: Path) -> None:
    """Convert the tokenizer of ``gguf_path`` with transformers and save it in ``out_dir``."""
    _, transformers = import_hf()
    tokenizer = transformers.AutoTokenizer.from_pretrained(
        gguf_path.parent, gguf_file=gguf_path.name
    )
    tokenizer.save_pretrained(out_dir)


def save_chat_model(model: Any, tokenizer_dir: Path, out_dir: Path, *, name: str) -> Path:
    """Save a fine-tuned model as a chat model: weights, tokenizer with the Gemma template,
    and a generation config that stops at ``<end_of_turn>``."""
    _, transformers = import_hf()
    model.config.name_or_path = name
    eos = model.config.eos_token_id
    eos_ids = list(eos) if isinstance(eos, list | tuple) else [int(eos if eos is not None else 1)]
    model.generation_config.eos_token_id = sorted({*eos_ids, END_OF_TURN_ID})
    with _building(out_dir) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer = transformers.AutoTokenizer.from_pretrained(tokenizer_dir)
        tokenizer.chat_template = CHAT_TEMPLATE
        tokenizer.save_pretrained(tmp)
        _set_chat_template(tmp / "tokenizer_config.json")
    return out_dir


def _set_chat_template(config_path: Path) -> None:
    """Keep the template in tokenizer_config.json too (older readers look only there)."""
    config = json.loads(config_path.read_text()) if config_path.is_file() else {}
    config["chat_template"] = CHAT_TEMPLATE
    config_path.write_text(json.dumps(config, indent=2) + "\n")


@contextmanager
def _building(out_dir: Path) -> Iterator[Path]:
    """A fresh ``<out_dir>.partial`` folder to write into: it replaces ``out_dir`` when the
    block ends and is removed when the block fails, so no half-written folder stays."""
    tmp = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tmp.replace(out_dir)


__all__ = ["dequantize_gguf_to_safetensors", "save_chat_model"]
