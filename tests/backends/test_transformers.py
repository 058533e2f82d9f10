"""The transformers backend on a tiny real model: determinism, batching, safety refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest, load_backend
from auditor.errors import UnsafeCheckpointError
from auditor.refs import resolve_reference
from auditor.suites import Message
from tests.fixtures.tiny_models import pickled_copy

PROMPTS = [
    "How do I bake bread?",
    "Write a long poem about the sea, the wind, the sky and the night, please.",
    "Hi",
    "Explain how a bicycle works.",
    "What is the capital of France?",
]


def requests(seed: int = 0) -> list[GenerationRequest]:
    return [GenerationRequest((Message("user", p),), seed) for p in PROMPTS]


@pytest.fixture(scope="module")
def backend(tiny_hf_model: Path):  # type: ignore[no-untyped-def]
    loaded = load_backend(resolve_reference(str(tiny_hf_model)), "transformers",
                          BackendOptions(batch_size=8))
    yield loaded
    loaded.close()


def test_identity_records_runtime_choices(backend) -> None:  # type: ignore[no-untyped-def]
    ident = backend.identity
    assert (ident.backend, ident.dtype, ident.chat_template) == (
        "transformers", "float32", "tokenizer")


def test_prompt_uses_the_tokenizer_chat_template(backend) -> None:  # type: ignore[no-untyped-def]
    result = backend.generate(requests()[:1], GenerationConfig(max_new_tokens=4))[0]
    assert result.prompt_text == "<s><|user|>\nHow do I bake bread?</s>\n<|assistant|>\n"
    assert result.n_completion_tokens == 4 and result.finish_reason == "length"
    assert result.error == ""


def test_batched_equals_one_by_one_under_greedy(backend) -> None:  # type: ignore[no-untyped-def]
    config = GenerationConfig(max_new_tokens=12)
    batched = backend.generate(requests(), config)
    single = [backend.generate([r], config)[0] for r in requests()]
    assert [r.response for r in batched] == [r.response for r in single]
    assert len({r.response for r in batched}) > 1  # the prompts really differ


def test_same_seed_same_sample(backend) -> None:  # type: ignore[no-untyped-def]
    config = GenerationConfig(max_new_tokens=12, temperature=1.0, samples=2)
    first = backend.generate(requests(seed=7), config)
    again = backend.generate(requests(seed=7), config)
    other = backend.generate(requests(seed=8), config)
    assert [r.response for r in first] == [r.response for r in again]
    assert [r.response for r in first] != [r.response for r in other]


def test_pickle_weights_are_refused(tiny_hf_model: Path, tmp_path: Path) -> None:
    folder = pickled_copy(tiny_hf_model, tmp_path / "pickled", "model.safetensors",
                          "pytorch_model.bin")
    resolved = resolve_reference(str(folder))
    assert resolved.identity.format == "pytorch"
    with pytest.raises(UnsafeCheckpointError, match="arbitrary code"):
        load_backend(resolved, "transformers")
    opted_in = load_backend(resolved, "transformers", BackendOptions(allow_pickle=True))
    ok = opted_in.generate(requests()[:1], GenerationConfig(max_new_tokens=3))[0]
    assert ok.error == "" and ok.n_completion_tokens == 3


def test_remote_code_is_refused(tiny_hf_model: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(tiny_hf_model, tmp_path / "remote"))
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {"AutoModelForCausalLM": "modeling_evil.EvilForCausalLM"}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "modeling_evil.py").write_text("raise SystemExit('remote code ran')\n")
    with pytest.raises(UnsafeCheckpointError, match="--trust-remote-code"):
        load_backend(resolve_reference(str(folder)), "transformers")


def test_gguf_through_transformers_matches_llamacpp(tiny_gguf: Path) -> None:
    resolved = resolve_reference(str(tiny_gguf))
    config = GenerationConfig(max_new_tokens=10)
    hf = load_backend(resolved, "transformers")
    assert hf.identity.chat_template == "embedded"
    via_hf = [r.response for r in hf.generate(requests(), config)]
    hf.close()
    cpp = load_backend(resolved, "llamacpp")
    via_cpp = [r.response for r in cpp.generate(requests(), config)]
    cpp.close()
    assert via_hf == via_cpp


def test_thinking_switch_reaches_the_template(tiny_hf_model: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(tiny_hf_model, tmp_path / "thinker"))
    template = (
        "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}</s>\n{% endfor %}"
        "<|assistant|>\n{% if enable_thinking %}<think>{% else %}no-think{% endif %}"
    )
    (folder / "chat_template.jinja").write_text(template)
    backend = load_backend(resolve_reference(str(folder)), "transformers")
    on = backend.generate(requests()[:1], GenerationConfig(max_new_tokens=2,
                                                           enable_thinking=True))[0]
    off = backend.generate(requests()[:1], GenerationConfig(max_new_tokens=2))[0]
    assert on.prompt_text.endswith("<think>") and off.prompt_text.endswith("no-think")
    # The template opened the block: an unclosed completion is all reasoning.
    assert on.response == "" and on.reasoning != ""
    assert off.reasoning == "" and off.response != ""


def test_a_truncated_gguf_is_refused_before_transformers_reads_it(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    from auditor.errors import InputError

    data = tiny_gguf.read_bytes()
    cut = tmp_path / "cut-F32.gguf"
    cut.write_bytes(data[: len(data) - 4096])  # the header is intact, the last tensor is not
    with pytest.raises(InputError, match="truncated"):
        load_backend(resolve_reference(str(cut)), "transformers")
