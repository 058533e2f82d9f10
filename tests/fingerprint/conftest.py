"""The tiny family every fingerprint test compares (built once per session, ~10 s), and the
Hub stand-in serving it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fingerprint import family
from tests.fingerprint.hub_files import contents
from tests.lineage.hub_server import HubServer


@pytest.fixture(scope="session")
def fp_family(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fp-family")
    parent = family.build_parent(root)
    return {
        "parent": parent,
        "F16": family.build_gguf(parent, root / "tiny-F16.gguf", "F16"),
        "Q8_0": family.build_gguf(parent, root / "tiny-Q8_0.gguf", "Q8_0"),
        "Q4_K_M": family.build_gguf(parent, root / "tiny-Q4_K_M.gguf", "Q4_K_M"),
        "finetune": family.build_finetune(parent, root / "finetune"),
        "lora": family.build_lora_merge(parent, root / "lora-merged"),
        "unrelated": family.build_parent(root, seed=1),
    }


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        fp_family: dict[str, Path]) -> Iterator[HubServer]:
    """The family on the Hub stand-in (``HF_ENDPOINT``), with an empty cache and no token:
    ``org/tiny`` (the parent), ``org/tiny-ft``, ``org/other`` (unrelated), ``org/tiny-GGUF``
    (Q8_0 and Q4_K_M files) and ``org/tiny-one-GGUF`` (the Q8_0 file alone)."""
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with HubServer() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        server.add_model("org/tiny", contents=contents(fp_family["parent"]))
        server.add_model("org/tiny-ft", contents=contents(fp_family["finetune"]))
        server.add_model("org/other", contents=contents(fp_family["unrelated"]))
        server.add_model("org/tiny-GGUF", contents={
            "tiny.Q8_0.gguf": fp_family["Q8_0"].read_bytes(),
            "tiny.Q4_K_M.gguf": fp_family["Q4_K_M"].read_bytes()})
        server.add_model("org/tiny-one-GGUF", contents={
            "tiny.Q8_0.gguf": fp_family["Q8_0"].read_bytes()})
        yield server
