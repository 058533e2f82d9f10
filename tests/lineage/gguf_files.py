"""Tiny GGUF files written with the ``gguf`` package, for lineage tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_gguf(
    path: Path,
    *,
    name: str = "Tiny",
    file_type: int = 15,
    source: str | None = None,
    bases: list[str] | None = None,
    kind: str = "model",
    vocab: int = 300,
    license_: str | None = "apache-2.0",
) -> Path:
    """A valid GGUF with general.* lineage keys, a ``vocab``-token vocabulary and one tensor."""
    import gguf

    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_type(kind)
    writer.add_name(name)
    writer.add_file_type(file_type)
    if license_:
        writer.add_license(license_)
    if source:
        writer.add_source_repo_url(source)
    if bases:
        writer.add_base_model_count(len(bases))
        for i, base in enumerate(bases):
            writer.add_base_model_name(i, base.rsplit("/", 1)[-1])
            writer.add_base_model_repo_url(i, f"https://huggingface.co/{base}")
    writer.add_token_list([f"tok{i}" for i in range(vocab)])
    writer.add_token_scores([0.0] * vocab)
    writer.add_tensor("w", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
