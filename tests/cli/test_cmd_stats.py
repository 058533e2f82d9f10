"""``auditor stats paired``: the JSON contract, checked from outside through the entry point."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from numpy.testing import assert_allclose

CONTRACT = (
    "midp_one_sided",
    "midp_two_sided",
    "exact_two_sided",
    "asymptotic_two_sided",
    "difference",
    "tango_ci",
    "newcombe_ci",
    "noninferiority_p",
    "verdict",
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", "stats", "paired", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cavo_reference_through_the_cli() -> None:
    result = _run("--b", "6", "--c", "16", "--n", "161")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert all(key in payload for key in CONTRACT)
    assert_allclose(payload["asymptotic_two_sided"], 0.033006, atol=5e-7)
    assert_allclose(payload["exact_two_sided"], 0.052479, atol=5e-7)
    assert_allclose(payload["midp_two_sided"], 0.034690, atol=5e-7)
    assert_allclose(payload["tango_ci"], [-0.1240, -0.0054], atol=5e-5)
    assert_allclose(payload["difference"], -10 / 161)
    assert len(payload["newcombe_ci"]) == 2


def test_full_table_gives_newcombe_reference() -> None:
    payload = json.loads(_run("--b", "6", "--c", "16", "--n", "161", "--a", "59").stdout)
    assert_allclose(payload["newcombe_ci"], [-0.1186, -0.0046], atol=5e-5)


@pytest.mark.parametrize(
    ("args", "verdict", "ni_p"),
    [
        (("--b", "12", "--c", "3", "--n", "200"), "degraded", 0.79),
        (("--b", "9", "--c", "7", "--n", "500"), "not_degraded", 0.0036),
        (("--b", "20", "--c", "18", "--n", "1000"), "not_degraded", 0.0001),
        (("--b", "0", "--c", "0", "--n", "10"), "inconclusive", None),
    ],
)
def test_verdicts_and_margin(args: tuple[str, ...], verdict: str, ni_p: float | None) -> None:
    payload = json.loads(_run(*args).stdout)
    assert payload["verdict"] == verdict
    if ni_p is not None:
        assert_allclose(payload["noninferiority_p"], ni_p, atol=0.005 if ni_p > 0.1 else 5e-5)
    assert (payload["midp_one_sided"] < 0.05) == (verdict == "degraded")


def test_margin_option() -> None:
    wide = json.loads(_run("--b", "12", "--c", "3", "--n", "200", "--margin", "0.2").stdout)
    assert wide["noninferiority_p"] < 0.001 and wide["margin"] == 0.2


@pytest.mark.parametrize(
    "args",
    [
        ("--b", "10", "--c", "5", "--n", "12"),
        ("--b", "-1", "--c", "5", "--n", "12"),
        ("--b", "1", "--c", "1", "--n", "12", "--margin", "0"),
    ],
)
def test_invalid_input_exits_2_with_a_message(args: tuple[str, ...]) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert "error:" in result.stderr and result.stdout == ""


def _run_sequential(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from auditor.cli import main; main()",
            "stats",
            "sequential",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sequential_command() -> None:
    result = _run_sequential("--b", "20", "--c", "5", "--n", "100")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "degraded" and payload["threshold"] == 20.0
    assert payload["e_degraded"] > 24.3  # the one-sided mixture exceeds the two-sided 24.3
    assert _run_sequential("--b", "3", "--c", "1", "--n", "20").stdout.count("continue") == 1
    bad = _run_sequential("--b", "30", "--c", "1", "--n", "20")
    assert bad.returncode == 2 and "b + c <= n" in bad.stderr
