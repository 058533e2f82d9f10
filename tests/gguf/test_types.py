"""The built-in ggml and file type tables agree with the gguf package, the authority."""

from __future__ import annotations

import pytest

from auditor.gguf import file_type_name, ggml_types
from auditor.gguf._types import _GGML_TYPES, VALUE_TYPE_NAMES

gguf = pytest.importorskip("gguf")


def test_the_fallback_ggml_table_is_the_packages() -> None:
    package = {int(t): (t.name, block, size) for t, (block, size) in gguf.GGML_QUANT_SIZES.items()}
    assert _GGML_TYPES == package
    assert ggml_types() == package


def test_file_type_names_follow_llama_file_type() -> None:
    for value in gguf.LlamaFileType:
        if value.name == "GUESSED":
            continue
        assert file_type_name(int(value)) == value.name.removeprefix("MOSTLY_").removeprefix(
            "ALL_"), value


def test_value_type_names_follow_the_spec() -> None:
    assert VALUE_TYPE_NAMES == {int(t): t.name.lower() for t in gguf.GGUFValueType}
