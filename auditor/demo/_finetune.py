"""A small LoRA fine-tune on CPU (peft), and merging it into full weights.

The loss is computed on the model turn only, and the (262k-token) output projection is
applied only at those positions: on a 2-core CPU that halves the cost of a step.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.demo._chat import END_OF_TURN, render_prompt
from auditor.demo._data import ChatExample
from auditor.errors import BackendError

log = logging.getLogger(__name__)

#: The linear layers of a Gemma/Llama-style decoder that the demo's LoRA adapts.
DEFAULT_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")

StepCallback = Callable[[int, int, float], None]  # (step, total steps, loss)


@dataclass(frozen=True, slots=True)
class LoraTrainConfig:
    """Hyper-parameters of a demo LoRA fine-tune (recorded in the family manifest)."""

    rank: int = 8
    alpha: int = 16
    target_modules: tuple[str, ...] = DEFAULT_TARGETS
    epochs: int = 4
    learning_rate: float = 4e-4
    batch_size: int = 4
    max_length: int = 160
    seed: int = 0


@dataclass(frozen=True, slots=True)
class TrainResult:
    """What a fine-tune did and what it cost."""

    adapter_dir: Path
    n_examples: int
    steps: int
    seconds: float
    first_loss: float
    final_loss: float


def encode_examples(
    tokenizer: Any, examples: Sequence[ChatExample], max_length: int
) -> list[tuple[list[int], int]]:
    """Token ids of each example and where its model turn starts.

    The prompt is rendered with the same Gemma chat template the runner uses; the target is
    the model turn followed by ``<end_of_turn>``.
    """
    encoded: list[tuple[list[int], int]] = []
    for ex in examples:
        prompt = tokenizer.encode(render_prompt(ex.user), add_special_tokens=False)
        answer = tokenizer.encode(ex.model.strip() + END_OF_TURN, add_special_tokens=False)
        ids = (prompt + answer)[:max_length]
        if len(prompt) >= len(ids):
            raise BackendError(f"training example longer than {max_length} tokens: {ex.user!r}")
        encoded.append((ids, len(prompt)))
    return encoded


def train_lora(
    model_dir: Path,
    examples: Sequence[ChatExample],
    adapter_dir: Path,
    config: LoraTrainConfig,
    *,
    base_model_id: str,
    on_step: StepCallback | None = None,
) -> TrainResult:
    """Fine-tune a LoRA adapter on ``examples`` and save it (peft format) in ``adapter_dir``.

    ``base_model_id`` is written as the adapter's ``base_model_name_or_path``, so the saved
    folder names its parent the way a published adapter does.
    """
    torch, transformers, peft = _import_training()
    torch.manual_seed(config.seed)
    tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir)
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    lora = peft.LoraConfig(
        r=config.rank, lora_alpha=config.alpha, lora_dropout=0.0,
        target_modules=list(config.target_modules), task_type="CAUSAL_LM",
    )
    model = peft.get_peft_model(model, lora)
    data = encode_examples(tokenizer, examples, config.max_length)
    params = [p for p in model.parameters() if p.requires_grad]
    optim = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.0)
    per_epoch = math.ceil(len(data) / config.batch_size)
    total = per_epoch * config.epochs
    rng = random.Random(config.seed)
    model.train()
    losses: list[float] = []
    start = time.perf_counter()
    for _ in range(config.epochs):
        order = list(range(len(data)))
        rng.shuffle(order)
        for b in range(0, len(order), config.batch_size):
            batch = [data[i] for i in order[b : b + config.batch_size]]
            lr = config.learning_rate * 0.5 * (1 + math.cos(math.pi * len(losses) / total))
            for group in optim.param_groups:
                group["lr"] = lr
            loss = _answer_loss(torch, model, batch, tokenizer.pad_token_id or 0)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optim.step()
            optim.zero_grad(set_to_none=True)
            losses.append(float(loss.detach()))
            if on_step is not None:
                on_step(len(losses), total, losses[-1])
    seconds = time.perf_counter() - start
    _save_adapter(model, adapter_dir, base_model_id)
    log.info("LoRA fine-tune: %d steps in %.1f s, loss %.3f -> %.3f", total, seconds,
             losses[0], losses[-1])
    return TrainResult(adapter_dir, len(data), total, seconds, losses[0], losses[-1])


def _answer_loss(torch: Any, model: Any, batch: list[tuple[list[int], int]], pad: int) -> Any:
    """Mean next-token loss over the model turns of a right-padded batch."""
    width = max(len(ids) for ids, _ in batch)
    input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, _) in enumerate(batch):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        mask[row, : len(ids)] = 1
    # Position p predicts token p + 1; keep the positions whose next token is in the answer.
    keep = torch.zeros((len(batch), width), dtype=torch.bool)
    for row, (ids, answer_start) in enumerate(batch):
        keep[row, answer_start - 1 : len(ids) - 1] = True
    causal_lm = model.get_base_model()
    hidden = causal_lm.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
    logits = causal_lm.lm_head(hidden[keep]).float()
    cap = getattr(causal_lm.config, "final_logit_softcapping", None)
    if cap:
        logits = torch.tanh(logits / cap) * cap
    targets = input_ids[:, 1:][keep[:, :-1]]
    return torch.nn.functional.cross_entropy(logits, targets)


def _save_adapter(model: Any, adapter_dir: Path, base_model_id: str) -> None:
    adapter_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(adapter_dir, safe_serialization=True)
    config_path = adapter_dir / "adapter_config.json"
    config = json.loads(config_path.read_text())
    config["base_model_name_or_path"] = base_model_id
    # peft keeps target_modules as a set, so its listed order follows the process's string
    # hashing: sorted, the same training writes the same folder (and the same store key).
    if isinstance(config.get("target_modules"), list):
        config["target_modules"] = sorted(config["target_modules"])
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def merge_lora(model_dir: Path, adapter_dir: Path) -> Any:
    """Load ``model_dir`` (float32) with the adapter of ``adapter_dir`` merged into its weights."""
    torch, transformers, peft = _import_training()
    model = transformers.AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    return peft.PeftModel.from_pretrained(model, adapter_dir).merge_and_unload()


def _import_training() -> tuple[Any, Any, Any]:
    from auditor.backends import import_hf, import_peft

    torch, transformers = import_hf()
    return torch, transformers, import_peft()


__all__ = [
    "DEFAULT_TARGETS",
    "LoraTrainConfig",
    "TrainResult",
    "encode_examples",
    "merge_lora",
    "train_lora",
]
