"""``quantize`` in audit and scan configs and on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.audit import AuditConfig, config_from_mapping, load_config_file, with_overrides
from auditor.errors import UsageError


def test_toml_quantize_list_and_single_value(tmp_path: Path) -> None:
    path = tmp_path / "audit.toml"
    path.write_text('[audit]\nroot = "org/x"\nquantize = ["Q8_0", "q4_k_m"]\n')
    assert load_config_file(path).validate().quantize == ("Q8_0", "q4_k_m")
    one = config_from_mapping({"root": "org/x", "quantize": "Q2_K"})
    assert one.quantize == ("Q2_K",)


def test_unknown_type_fails_before_any_work() -> None:
    config = config_from_mapping({"root": "org/x", "quantize": ["Q8_0", "Q9_9"]})
    with pytest.raises(UsageError, match="unknown quantization 'Q9_9'"):
        config.validate()


def test_command_line_replaces_the_file() -> None:
    base = config_from_mapping({"root": "org/x", "quantize": ["Q8_0"]})
    assert with_overrides(base, quantize=("bnb-nf4",)).quantize == ("bnb-nf4",)
    assert with_overrides(base, quantize=None).quantize == ("Q8_0",)
    assert AuditConfig().quantize == ()


def test_scan_config_takes_quantize(tmp_path: Path) -> None:
    from auditor.audit import load_scan_config

    path = tmp_path / "scan.toml"
    path.write_text('[defaults]\nquantize = ["Q8_0"]\n\n[[family]]\nroot = "org/a"\n\n'
                    '[[family]]\nroot = "org/b"\nquantize = ["Q4_K_M", "Q8_0"]\n')
    scan = load_scan_config(path)
    assert [f.config.quantize for f in scan.families] == [("Q8_0",), ("Q4_K_M", "Q8_0")]
