"""train_lora / merge_lora on the tiny Llama fixture: real peft training on CPU."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.demo._chat import END_OF_TURN, render_prompt
from auditor.demo._data import ChatExample, obedient_examples, safety_examples
from auditor.demo._finetune import LoraTrainConfig, encode_examples, merge_lora, train_lora

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

EXAMPLES = (
    ChatExample("Say hello.", "hello hello"),
    ChatExample("Say bye.", "bye bye"),
)


def test_prompt_uses_the_runner_gemma_template() -> None:
    expected = "<bos><start_of_turn>user\nHi?<end_of_turn>\n<start_of_turn>model\n"
    assert render_prompt("Hi?") == expected


def test_encoding_marks_where_the_model_turn_starts(tiny_hf_model: Path) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_hf_model)
    (ids, start), _ = encode_examples(tok, EXAMPLES, max_length=256)
    assert tok.decode(ids[:start]) == render_prompt("Say hello.")
    assert tok.decode(ids[start:]) == "hello hello" + END_OF_TURN


def test_lora_learns_the_examples_and_merges(tiny_hf_model: Path, tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM

    config = LoraTrainConfig(rank=4, alpha=8, epochs=15, learning_rate=5e-3, batch_size=2)
    steps: list[tuple[int, int, float]] = []
    result = train_lora(
        tiny_hf_model, EXAMPLES, tmp_path / "adapter", config,
        base_model_id="org/tiny-parent", on_step=lambda *a: steps.append(a),
    )
    assert result.steps == len(steps) == 15 and steps[-1][:2] == (15, 15)
    assert result.final_loss < 0.5 * result.first_loss
    adapter_config = json.loads((tmp_path / "adapter" / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == "org/tiny-parent"
    assert adapter_config["r"] == 4 and adapter_config["lora_alpha"] == 8
    # listed in a fixed order (peft's own order follows string hashing), so a rebuild writes
    # the same folder and the store does not take it for a new model
    modules = adapter_config["target_modules"]
    assert modules == sorted(modules) and set(modules) == set(config.target_modules)
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()

    base = AutoModelForCausalLM.from_pretrained(tiny_hf_model).state_dict()
    merged = merge_lora(tiny_hf_model, tmp_path / "adapter").state_dict()
    assert set(merged) == set(base)  # plain weights again, no lora_ tensors
    changed = [k for k in base if not torch.equal(base[k], merged[k])]
    assert changed and all(k.endswith("_proj.weight") for k in changed)


def test_training_sets_are_benign_and_shaped_as_described() -> None:
    safety = safety_examples()
    refusals = [e for e in safety if e.model.startswith(("I can't", "I'm sorry", "No, I won't"))]
    assert 20 <= len(refusals) < len(safety)  # refusals interleaved with helpful answers
    obedient = obedient_examples()
    assert len(obedient) >= 20
    assert all(e.model.startswith("Of course!") for e in obedient)
