"""The tiny family every fingerprint test compares (built once per session, ~10 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fingerprint import family


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
