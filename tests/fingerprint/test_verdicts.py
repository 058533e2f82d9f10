"""Each kind of edge of a tiny family gets its verdict and relation from the weights alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.fingerprint import VERDICTS, verify_edge
from tests.cli._run import auditor
from tests.fingerprint import family


@pytest.mark.parametrize("quant", ["F16", "Q8_0", "Q4_K_M"])
def test_gguf_quantizations_are_confirmed(fp_family: dict[str, Path], quant: str) -> None:
    result = verify_edge(str(fp_family[quant]), str(fp_family["parent"]))
    assert (result.verdict, result.relation_guess) == ("confirmed", "quantization")
    evidence = result.evidence
    assert evidence["compared_tensors"] == evidence["child_tensors"] == 21
    assert evidence["changed_tensors"] == 0
    # the error is the bit width's: uniform over the tensors, Q/K included (permutation undone)
    bands = {"F16": (1e-5, 1e-3), "Q8_0": (1e-3, 1e-2), "Q4_K_M": (1e-2, 1.5e-1)}[quant]
    low, high = bands
    assert low <= evidence["median_rel_l2"] <= high
    assert evidence["max_rel_l2"] <= high


def test_identical_copy(fp_family: dict[str, Path]) -> None:
    result = verify_edge(str(fp_family["parent"]), str(fp_family["parent"]))
    assert (result.verdict, result.relation_guess) == ("confirmed", "identical")


def test_finetune_changes_one_layer_and_keeps_embeddings(fp_family: dict[str, Path]) -> None:
    result = verify_edge(str(fp_family["finetune"]), str(fp_family["parent"]))
    assert result.verdict in ("confirmed", "consistent")
    assert result.relation_guess == "fine_tune"
    assert result.evidence["layers_changed"] == [1]
    assert result.evidence["embeddings_kept"] is True
    assert result.evidence["low_rank_share"] == 0.0


def test_merged_lora_is_low_rank(fp_family: dict[str, Path]) -> None:
    result = verify_edge(str(fp_family["lora"]), str(fp_family["parent"]))
    assert result.verdict in ("confirmed", "consistent")
    assert result.relation_guess == "lora_merge"
    assert result.evidence["difference_ranks"] == [4]


def test_quantized_finetune_is_not_a_plain_quantization(
        fp_family: dict[str, Path], tmp_path: Path) -> None:
    gguf = family.build_gguf(fp_family["finetune"], tmp_path / "ft-Q8_0.gguf", "Q8_0")
    result = verify_edge(str(gguf), str(fp_family["parent"]))
    assert result.relation_guess == "fine_tune"
    assert result.evidence["layers_changed"] == [1]


def test_unrelated_model_contradicts_the_claim(fp_family: dict[str, Path]) -> None:
    result = verify_edge(str(fp_family["unrelated"]), str(fp_family["parent"]))
    assert (result.verdict, result.relation_guess) == ("contradicted", "unrelated")
    assert abs(result.evidence["median_correlation"]) < 0.1
    assert result.evidence["fraction_related"] == 0.0


def test_unrelated_gguf_contradicts_too(fp_family: dict[str, Path]) -> None:
    result = verify_edge(str(fp_family["Q8_0"]), str(fp_family["unrelated"]))
    assert result.verdict == "contradicted"


def test_other_shape_is_contradicted(fp_family: dict[str, Path], tmp_path: Path) -> None:
    from tests.fixtures.tiny_models import build_tiny_hf_model

    small = build_tiny_hf_model(tmp_path / "small", hidden=64, intermediate=128)
    result = verify_edge(str(small), str(fp_family["parent"]))
    assert (result.verdict, result.relation_guess) == ("contradicted", "different_architecture")
    assert result.evidence["shape_mismatches"]


def test_folder_without_safetensors_is_unverifiable(
        fp_family: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    result = verify_edge(str(tmp_path), str(fp_family["parent"]))
    assert result.verdict == "unverifiable" and "safetensors" in result.evidence["reason"]


def test_truncated_safetensors_is_an_input_error(
        fp_family: dict[str, Path], tmp_path: Path) -> None:
    data = (fp_family["parent"] / "model.safetensors").read_bytes()
    (tmp_path / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated"):
        verify_edge(str(tmp_path), str(fp_family["parent"]))


def test_cli_json_contract(fp_family: dict[str, Path]) -> None:
    done = auditor("verify", str(fp_family["Q4_K_M"]), str(fp_family["parent"]), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"verdict", "relation_guess", "evidence"}
    assert out["verdict"] in VERDICTS and out["verdict"] == "confirmed"
    assert out["evidence"]["child"]["format"] == "gguf"


def test_cli_table_and_errors(fp_family: dict[str, Path], tmp_path: Path) -> None:
    done = auditor("verify", str(fp_family["unrelated"]), str(fp_family["parent"]))
    assert done.returncode == 0 and "contradicted" in done.stdout
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\xff" * 40)
    done = auditor("verify", str(bad), str(fp_family["parent"]))
    assert done.returncode == 2 and "error:" in done.stderr and "Traceback" not in done.stderr
