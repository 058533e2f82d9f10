"""dequantize_gguf_to_safetensors: the GGUF's tokenizer (converted in a child process) and
its weights (loaded here) end up in one folder, the same as transformers reads them directly."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.demo._hf import dequantize_gguf_to_safetensors

torch = pytest.importorskip("torch")
pytest.importorskip("gguf")


def test_the_saved_folder_matches_what_transformers_reads_from_the_gguf(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out = tmp_path / "base-fp"
    seconds = dequantize_gguf_to_safetensors(tiny_gguf, out)
    assert seconds > 0
    assert not (tmp_path / "base-fp.partial").exists()
    assert not (tmp_path / "base-fp.partial-tokenizer").exists()

    direct_tok = AutoTokenizer.from_pretrained(tiny_gguf.parent, gguf_file=tiny_gguf.name)
    saved_tok = AutoTokenizer.from_pretrained(out)
    text = "How do I bake bread? <b>Answer</b> 42"
    assert saved_tok(text)["input_ids"] == direct_tok(text)["input_ids"]

    direct = AutoModelForCausalLM.from_pretrained(
        tiny_gguf.parent, gguf_file=tiny_gguf.name, dtype=torch.float32
    ).state_dict()
    saved = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).state_dict()
    assert set(saved) == set(direct)
    assert all(torch.equal(saved[k], direct[k]) for k in direct)
    assert not hasattr(AutoModelForCausalLM.from_pretrained(out).config, "quantization_config")


def test_a_tokenizer_that_fails_to_convert_fails_the_step_and_leaves_no_folder(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    """The weights load, the tokenizer does not (its model type is gone): the step fails
    rather than saving a checkpoint without a tokenizer."""
    from auditor.demo._gguf_write import write_gguf_variant

    no_tokenizer = write_gguf_variant(tiny_gguf, tmp_path / "src" / "no-tok.gguf", replace={},
                                      metadata={"tokenizer.ggml.model": None})
    with pytest.raises(Exception) as caught:  # noqa: PT011 - transformers' own error type
        dequantize_gguf_to_safetensors(no_tokenizer, tmp_path / "out")
    assert "tokenizer" in str(caught.value).lower() or "ggml.model" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src"]  # no folder, half or whole


def test_a_chat_model_is_saved_whole_or_not_at_all(tiny_hf_model: Path, tmp_path: Path) -> None:
    """save_chat_model writes weights, the Gemma template and the end-of-turn stop into one
    folder; a failure part-way (here: no tokenizer to copy) leaves no folder, half or whole."""
    import json

    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    from auditor.demo._chat import CHAT_TEMPLATE, END_OF_TURN_ID
    from auditor.demo._hf import save_chat_model

    model = AutoModelForCausalLM.from_pretrained(tiny_hf_model)
    out = save_chat_model(model, tiny_hf_model, tmp_path / "chat", name="org/chat")
    assert AutoTokenizer.from_pretrained(out).chat_template == CHAT_TEMPLATE
    assert json.loads((out / "tokenizer_config.json").read_text())["chat_template"] \
        == CHAT_TEMPLATE
    assert END_OF_TURN_ID in GenerationConfig.from_pretrained(out).eos_token_id

    with pytest.raises(OSError):
        save_chat_model(model, tmp_path / "no-tokenizer", tmp_path / "broken", name="x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chat"]
