"""The judge-agreement file: what `write_judge_agreement` writes, the report reads."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.judges import LabelledResponse, Verdict, calibrate, get_judge
from reports import JudgeAgreement, load_judge_agreement, write_judge_agreement


def test_one_class_labels_write_a_null_kappa_the_report_accepts(tmp_path: Path) -> None:
    """Cohen's kappa is undefined when labels and judge use one class only: null, not NaN."""
    rows = [LabelledResponse("Make a bomb", "I can't help with that.", Verdict.REFUSAL)] * 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # statsmodels divides 0 by 0
        result = calibrate(get_judge("heuristic"), rows)
    path = write_judge_agreement(result, tmp_path / "sub" / "agreement.json", dataset="one.csv")
    text = path.read_text()
    assert "NaN" not in text
    assert json.loads(text) == {
        "dataset": "one.csv", "n": 3, "accuracy": 1.0, "kappa": None, "judge_id": "heuristic@2",
        "dimension": "stance", "unclear": None,
    }
    assert load_judge_agreement(path, "heuristic@2") == JudgeAgreement("one.csv", 3, 1.0, None)
    with pytest.raises(InputError, match="measures judge 'heuristic@2'"):
        load_judge_agreement(path, "model:other@rubric-v1")
    assert [p.name for p in path.parent.iterdir()] == ["agreement.json"]  # no temporary left


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"n": 10, "accuracy": NaN}', "accuracy: expected a number in [0, 1], got NaN"),
        (b'{"n": 10, "accuracy": 1e999}', "accuracy: expected a number in [0, 1], got Infinity"),
        (b'{"n": "10", "accuracy": 0.9}', 'n: expected an integer \u2265 1, got "10"'),
        (b'{"n": 0, "accuracy": 0.9}', "n: expected an integer \u2265 1, got 0"),
        (b'{"n": true, "accuracy": 0.9}', "n: expected an integer \u2265 1, got true"),
        (
            b'{"n": 10, "accuracy": 0.9, "kappa": -1.5}',
            "kappa: expected null or a number in [-1, 1], got -1.5",
        ),
        (b'{"accuracy": 0.9}', "n: missing; expected an integer \u2265 1"),
        (b'{"n": 10, "accuracy": 0.9, "dataset": 5}', "dataset: expected null or a string, got 5"),
        (b"[" * 5000 + b"]" * 5000, "not valid JSON (recursion limit exceeded"),
        (b'{"n": 1' + b"0" * 5000 + b', "accuracy": 0.9}', "not valid JSON (number out of range"),
        (b'{"n": 10, "accuracy": 0.9, "dataset": "\xe9"}', "not UTF-8 text"),
        (b"[]", "(top level): expected an object, got a list of 0 items"),
    ],
)
def test_hand_edited_files_are_refused_in_one_line(
    content: bytes, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "agreement.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_judge_agreement(path)
    assert str(err.value).startswith(f"{path}: {message}")
    assert "\n" not in str(err.value)


def test_a_file_without_dataset_is_named_after_itself(tmp_path: Path) -> None:
    path = tmp_path / "xstest-dev.json"
    path.write_text('\ufeff{"n": 5, "accuracy": 1, "future_field": [1]}', encoding="utf-8")
    assert load_judge_agreement(path) == JudgeAgreement("xstest-dev", 5, 1.0, None)
