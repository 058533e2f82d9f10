"""Harm agreement statistics, harm label maps, and the CLI contract of the harm dimension."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from auditor.errors import InputError
from auditor.judges import (
    Harm,
    HarmAssessment,
    harm_agreement,
    is_harm_label_map,
    map_harm_label,
    parse_harm_label_map,
)
from tests.judges.test_cli_judge import _auditor
from tests.judges.test_harm import BOMB, CASES, STEPS

H, N, U = Harm.HARMFUL, Harm.NOT_HARMFUL, Harm.UNCLEAR


def _a(label: Harm, score: float) -> HarmAssessment:
    return HarmAssessment(label, score)


def test_agreement_by_hand() -> None:
    labels = [H, H, H, N, N, N]
    got = [_a(H, 0.9), _a(U, 0.55), _a(N, 0.1), _a(N, 0.2), _a(U, 0.45), _a(H, 0.8)]
    result = harm_agreement(labels, got, "j")
    # Point decisions: H H N N N H -> 4 of 6 agree; decided rows: 4, of which 2 agree.
    assert result.agreement == pytest.approx(4 / 6)
    assert result.decided_agreement == pytest.approx(2 / 4)
    assert result.n_unclear == 2 and result.unclear_share == pytest.approx(2 / 6)
    assert result.confusion == ((1, 1, 1, 0), (1, 1, 1, 0))
    assert result.recall == {"harmful": pytest.approx(2 / 3), "not_harmful": pytest.approx(2 / 3)}
    # Cohen's kappa of the point decisions: observed 4/6, chance 1/2 -> (2/3 - 1/2) / (1/2).
    assert result.kappa == pytest.approx(1 / 3)


def test_kappa_matches_statsmodels() -> None:
    from statsmodels.stats.inter_rater import cohens_kappa

    rng = np.random.default_rng(5)
    truth = rng.random(200) < 0.4
    decision = np.where(rng.random(200) < 0.8, truth, ~truth)
    labels = [H if t else N for t in truth]
    got = [_a(H, 0.9) if d else _a(N, 0.1) for d in decision]
    table = np.zeros((2, 2))
    for t, d in zip(truth, decision, strict=True):
        table[int(t)][int(d)] += 1
    assert harm_agreement(labels, got).kappa == pytest.approx(cohens_kappa(table).kappa)


def test_missing_assessment_is_a_disagreement() -> None:
    result = harm_agreement([H, N], [None, _a(N, 0.1)])
    assert result.agreement == 0.5 and result.n_unassessed == 1
    assert result.confusion[0][3] == 1


def test_one_class_kappa_is_undefined() -> None:
    result = harm_agreement([H, H], [_a(H, 0.9), _a(H, 0.8)])
    assert result.agreement == 1.0 and math.isnan(result.kappa)


def test_label_maps() -> None:
    spec = "harmful=harmful,unharmful=not_harmful"
    assert is_harm_label_map(spec) and not is_harm_label_map("R=refusal,C=compliance")
    mapping = parse_harm_label_map(spec)
    assert map_harm_label(" unharmful ", mapping) == N
    assert map_harm_label("harmful", None) == H
    with pytest.raises(InputError, match="not a harm label"):
        parse_harm_label_map("x=refusal")
    with pytest.raises(InputError, match="must say harmful or not"):
        map_harm_label("maybe", parse_harm_label_map("maybe=unclear"))
    with pytest.raises(InputError, match="give --label-map"):
        map_harm_label("yes", None)


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_judge_writes_harm_columns(tmp_path: Path) -> None:
    """The contract: per row, the input columns plus verdict, harm and harm_score."""
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [{"id": c[0], "q": c[1], "a": c[2]} for c in CASES]
    _write_jsonl(src, rows)
    proc = _auditor("judge", str(src), "--prompt-col", "q", "--response-col", "a",
                    "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(written) == len(rows)
    for row, got, case in zip(rows, written, CASES, strict=True):
        assert {k: got[k] for k in row} == row
        assert got["verdict"] == case[3].value
        assert got["harm"] in ("harmful", "not_harmful", "unclear")
        assert got["harm"] == case[4].value
        assert isinstance(got["harm_score"], float) and 0.0 <= got["harm_score"] <= 1.0


def test_judge_eval_on_harm_labels(tmp_path: Path) -> None:
    src, agree = tmp_path / "labels.jsonl", tmp_path / "agree.json"
    rows = [{"q": c[1], "a": c[2], "gold": "yes" if c[4] == H else "no"} for c in CASES]
    rows.append({"q": BOMB, "a": "Sure, here is how:\n\n" + STEPS, "gold": "no"})  # disagrees
    _write_jsonl(src, rows)
    proc = _auditor("judge-eval", str(src), "--prompt-col", "q", "--response-col", "a",
                    "--label-col", "gold", "--label-map", "yes=harmful,no=not_harmful",
                    "--json", str(agree))
    assert proc.returncode == 0, proc.stderr
    n = len(rows)
    assert f"n={n}  dimension harm" in proc.stdout
    assert f"harm agreement        {(n - 1) / n:.3f}" in proc.stdout
    unclear = sum(c[4] == Harm.UNCLEAR for c in CASES)  # not harmful by the point decision
    assert f"unclear               {unclear} ({unclear / n:.3f} of rows)" in proc.stdout
    assert "harm confusion matrix" in proc.stdout
    data = json.loads(agree.read_text())
    assert data["dimension"] == "harm" and data["n"] == n
    assert data["accuracy"] == pytest.approx((n - 1) / n)
    assert data["unclear"] == pytest.approx(unclear / n)
    assert data["judge_id"] == "heuristic@2"


def test_judge_eval_detects_harm_label_names(tmp_path: Path) -> None:
    src = tmp_path / "labels.jsonl"
    gold = {Harm.HARMFUL: "harmful", Harm.NOT_HARMFUL: "not_harmful", Harm.UNCLEAR: "not_harmful"}
    _write_jsonl(src, [{"q": c[1], "a": c[2], "gold": gold[c[4]]} for c in CASES])
    proc = _auditor("judge-eval", str(src), "--prompt-col", "q", "--response-col", "a",
                    "--label-col", "gold")
    assert proc.returncode == 0, proc.stderr
    assert "harm agreement        1.000" in proc.stdout
