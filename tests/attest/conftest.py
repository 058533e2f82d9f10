"""A real report from the real pipeline, on a tiny family with weights on disk: a transformers
parent folder (a folder-manifest subject) and its Q8_0 GGUF quantized by llama.cpp (a file
subject); plus key pairs of every supported type."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.attest import generate_key_pair


@dataclass(frozen=True)
class AuditedFamily:
    report: Path  # report.json as the audit wrote it
    base: Path  # the parent's folder
    quant: Path  # the folder holding the Q8_0 GGUF
    gguf: Path


def _card(folder: Path, parent: str | None) -> None:
    front = f"base_model: {parent}\nbase_model_relation: quantized\n" if parent else ""
    (folder / "README.md").write_text(f"---\n{front}license: apache-2.0\n---\n# {folder.name}\n",
                                      encoding="utf-8")


@pytest.fixture(scope="session")
def audited_family(tiny_hf_model: Path, tiny_gguf: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> AuditedFamily:
    from auditor.audit import AuditConfig, run_audit
    from auditor.demo import quantize_gguf

    root = tmp_path_factory.mktemp("attest-family")
    base = root / "family" / "tiny-base"
    shutil.copytree(tiny_hf_model, base)
    _card(base, None)
    quant = root / "family" / "tiny-base-GGUF"
    quant.mkdir()
    gguf = quant / "tiny-base.Q8_0.gguf"
    quantize_gguf(tiny_gguf, gguf, "Q8_0")
    _card(quant, "tiny-base")
    config = AuditConfig(local=(base, quant), suites=("smoke",), store=root / "audit.db",
                         out=root / "report", max_new_tokens=4, threads=2)
    result = run_audit(config)
    return AuditedFamily(result.json_path, base, quant, gguf)


@pytest.fixture(scope="session")
def key_pairs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """``{type: (private PEM, public PEM)}`` for ed25519, ecdsa and rsa."""
    folder = tmp_path_factory.mktemp("keys")
    pairs = {}
    for key_type in ("ed25519", "ecdsa", "rsa"):
        private = folder / f"{key_type}.pem"
        pairs[key_type] = (private, generate_key_pair(private, key_type))  # type: ignore[arg-type]
    return pairs
