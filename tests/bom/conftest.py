"""Real reports for the BOM tests, written by the real audit pipeline (once per session).

- ``tiny_report``: a transformers parent, its Q8_0 GGUF and a LoRA adapter, built in the test,
  loaded and generating for real: every model has a sha256 (file or folder manifest).
- ``scripted_report``: a parent and a fine-tune served by the scripted OpenAI-compatible server
  (the only double: a remote server); the fine-tune complies with every harmful request, so
  its verdict is ``degraded``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor.audit import AuditConfig, run_audit
from auditor.demo._quantize import quantize_gguf
from tests.audit.scripted_server import ScriptedServer
from tests.fixtures.tiny_models import build_tiny_lora_adapter


def _card(folder: Path, parent: str | None, relation: str) -> None:
    front = f"base_model: {parent}\nbase_model_relation: {relation}\n" if parent else ""
    (folder / "README.md").write_text(f"---\n{front}license: apache-2.0\n---\n# {folder.name}\n",
                                      encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_report(tiny_hf_model: Path, tiny_gguf: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bom-tiny")
    base = root / "family" / "tiny-base"
    shutil.copytree(tiny_hf_model, base)
    _card(base, None, "")
    quant = root / "family" / "tiny-base-GGUF"
    quant.mkdir()
    quantize_gguf(tiny_gguf, quant / "tiny-base.Q8_0.gguf", "Q8_0")
    _card(quant, "tiny-base", "quantized")
    lora = build_tiny_lora_adapter(base, root / "family" / "tiny-base-lora",
                                   base_name="tiny-base")
    config = AuditConfig(local=(base, quant, lora), suites=("smoke",), store=root / "audit.db",
                         out=root / "report", max_new_tokens=8, threads=2)
    return run_audit(config).json_path


@pytest.fixture(scope="session")
def scripted_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bom-scripted")
    folders = []
    for name, parent in (("base", None), ("ft-unsafe", "base")):
        folder = root / "models" / name
        folder.mkdir(parents=True)
        _card(folder, parent, "finetune")
        folders.append(folder)
    with ScriptedServer() as server:
        overrides = (("base", f"openai:{server.base_url}#refuser"),
                     ("ft-unsafe", f"openai:{server.base_url}#complier"))
        config = AuditConfig(local=tuple(folders), suites=("harm",), store=root / "audit.db",
                             out=root / "report", overrides=overrides)
        return run_audit(config).json_path
