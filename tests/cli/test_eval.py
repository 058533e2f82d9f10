"""``auditor eval``: the contract flags, the summary, and clear errors (exit status 2)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.cli._run import auditor, write_suite
from tests.fixtures.openai_server import OpenAIServer
from tests.fixtures.tiny_models import pickled_copy


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0])
    finally:
        conn.close()


def test_eval_gguf_with_contract_flags(tiny_gguf: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", 6)
    result = auditor("eval", str(tiny_gguf), "--suite", str(suite), "--store",
                     str(tmp_path / "a.db"), "--backend", "llamacpp", "--limit", "4",
                     "--max-new-tokens", "5", "--seed", "1", "--samples", "2",
                     "--temperature", "0.7")
    assert result.returncode == 0, result.stderr
    assert "8 generations, 8 new, 0 already stored, 0 errors" in result.stdout
    assert "chat template: embedded" in result.stdout and "tokens/s" in result.stdout
    assert _count(tmp_path / "a.db") == 8
    again = auditor("eval", str(tiny_gguf), "--suite", str(suite), "--store",
                    str(tmp_path / "a.db"), "--limit", "4", "--max-new-tokens", "5",
                    "--seed", "1", "--samples", "2", "--temperature", "0.7")
    assert "0 new, 8 already stored" in again.stdout


def test_default_store_is_audit_db_in_cwd(tiny_gguf: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", 2)
    result = auditor("eval", str(tiny_gguf), "--suite", str(suite), "--max-new-tokens", "2",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _count(tmp_path / "audit.db") == 2


def test_transformers_backend_flags(tiny_hf_model: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", 3)
    result = auditor("eval", str(tiny_hf_model), "--suite", str(suite), "--store",
                     str(tmp_path / "a.db"), "--backend", "transformers", "--device", "cpu",
                     "--batch-size", "2", "--threads", "1", "--max-new-tokens", "3")
    assert result.returncode == 0, result.stderr
    assert "backend   transformers" in result.stdout


def test_openai_reference(tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", 3)
    with OpenAIServer(fail_next=1) as server:
        result = auditor("eval", f"openai:{server.base_url}#served", "--suite", str(suite),
                         "--store", str(tmp_path / "a.db"))
    assert result.returncode == 0, result.stderr
    assert "3 new" in result.stdout and "0 errors" in result.stdout


def test_clear_errors(tiny_hf_model: Path, tiny_gguf: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "mini.jsonl", 2)
    cases = [
        (("eval", str(tmp_path / "missing.gguf"), "--suite", str(suite)), "no such file"),
        (("eval", "not a model ref", "--suite", str(suite)), "model reference is one of"),
        (("eval", str(tiny_gguf), "--suite", str(suite), "--backend", "vllm"), "--backend"),
        (("eval", str(tiny_gguf), "--suite", str(suite), "--samples", "3"), "--temperature"),
        (("eval", str(tiny_gguf), "--suite", "no-such-suite"), "no-such-suite"),
    ]
    for args, message in cases:
        result = auditor(*args, "--store", str(tmp_path / "x.db"))
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr


def test_pickle_refused_from_the_cli(tiny_hf_model: Path, tmp_path: Path) -> None:
    folder = pickled_copy(tiny_hf_model, tmp_path / "pickled", "model.safetensors",
                          "pytorch_model.bin")
    suite = write_suite(tmp_path / "mini.jsonl", 1)
    result = auditor("eval", str(folder), "--suite", str(suite), "--store",
                     str(tmp_path / "a.db"))
    assert result.returncode == 2 and "--allow-pickle" in result.stderr
    assert not (tmp_path / "a.db").exists() or _count(tmp_path / "a.db") == 0


def test_adapter_with_base_given(tiny_lora: Path, tiny_hf_model: Path, tmp_path: Path) -> None:
    import json

    folder = Path(shutil.copytree(tiny_lora, tmp_path / "lora"))
    config = json.loads((folder / "adapter_config.json").read_text())
    config["base_model_name_or_path"] = "/home/trainer/base-final"
    (folder / "adapter_config.json").write_text(json.dumps(config))
    suite = write_suite(tmp_path / "mini.jsonl", 2)
    store = ("--store", str(tmp_path / "a.db"), "--max-new-tokens", "2", "--threads", "1")
    lost = auditor("eval", str(folder), "--suite", str(suite), *store)
    assert lost.returncode == 2 and "--base" in lost.stderr and "Traceback" not in lost.stderr
    found = auditor("eval", str(folder), "--base", str(tiny_hf_model), "--suite", str(suite),
                    *store)
    assert found.returncode == 0, found.stderr
    assert "model     local:lora#sha256:" in found.stdout and "2 new" in found.stdout
