"""The fast GGUF header reader agrees with gguf.GGUFReader and skips large arrays."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import InputError
from lineage._gguf import SkippedArray, file_type_name, read_gguf_metadata
from tests.lineage.gguf_files import write_gguf


def test_reader_matches_gguf_package_on_scalars_and_small_arrays(tmp_path: Path) -> None:
    import gguf

    path = write_gguf(tmp_path / "m.gguf", source="https://huggingface.co/org/src",
                      bases=["org/a", "org/b"], vocab=10)
    ours = read_gguf_metadata(path)
    reference = gguf.GGUFReader(str(path))
    for field in reference.fields.values():
        if field.name.startswith("GGUF."):
            continue
        assert field.name in ours
        expected = field.contents()
        assert ours[field.name] == expected, field.name
    assert ours["general.base_model.count"] == 2
    assert ours["general.base_model.1.repo_url"] == "https://huggingface.co/org/b"


def test_large_arrays_are_skipped_not_decoded(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "big.gguf", vocab=5000)
    meta = read_gguf_metadata(path)
    assert meta["tokenizer.ggml.tokens"] == SkippedArray(8, 5000)
    assert meta["tokenizer.ggml.scores"] == SkippedArray(6, 5000)
    assert meta["general.name"] == "Tiny"  # keys after the skipped arrays are still read


def test_file_type_names() -> None:
    assert file_type_name(15) == "Q4_K_M"
    assert file_type_name(7) == "Q8_0"
    assert file_type_name(None) is None


def test_not_a_gguf_and_truncated_files_raise_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"NOPE" + b"\0" * 100)
    with pytest.raises(InputError, match="not a GGUF"):
        read_gguf_metadata(bad)
    good = write_gguf(tmp_path / "ok.gguf", vocab=200)
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(good.read_bytes()[:300])
    with pytest.raises(InputError, match="truncated"):
        read_gguf_metadata(cut)
