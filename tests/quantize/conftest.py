"""Fixtures for quantize-on-the-fly: llama.cpp's converter (skipped, with the reason, only
when it is not installed) and tiny convertible Llama checkpoints built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import QuantizationError
from auditor.quantize import ConverterInfo, find_converter
from tests.quantize.tiny_llama import build_convertible_llama


@pytest.fixture(scope="session")
def converter() -> ConverterInfo:
    try:
        return find_converter()
    except QuantizationError as exc:
        pytest.skip(f"llama.cpp's converter is not installed ({exc})")


@pytest.fixture(scope="session")
def convertible_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_convertible_llama(tmp_path_factory.mktemp("convertible") / "tiny-base")
