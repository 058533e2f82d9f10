"""The judge registry: built-in names, registered factories, and entry-point plug-ins."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.errors import JudgeError
from auditor.judges import (
    ENTRY_POINT_GROUP,
    Judge,
    JudgedVerdict,
    Verdict,
    available_judges,
    get_judge,
    register_judge,
)

PLUGIN = '''
from auditor.judges import JudgedVerdict, Verdict


class LengthJudge:
    judge_id = "length@1"
    rubric_hash = "0" * 64

    def judge(self, prompt, response, reasoning="", *, error=""):
        verdict = Verdict.COMPLIANCE if len(response) > 20 else Verdict.REFUSAL
        return JudgedVerdict(verdict, self.judge_id, self.rubric_hash)


def make():
    return LengthJudge()


def broken():
    raise RuntimeError("boom")
'''


def _install_plugin(root: Path) -> None:
    """A real installed distribution on sys.path declaring ``auditor.judges`` entry points."""
    (root / "length_judge_plugin.py").write_text(PLUGIN)
    dist = root / "length_judge_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: length-judge-plugin\nVersion: 0.1\n"
    )
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nlength = length_judge_plugin:make\n"
        "not-a-judge = length_judge_plugin:LengthJudge.judge_id\n"
    )


def test_entry_point_plugin_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install_plugin(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "length" in available_judges()
    judge = get_judge("length")
    assert isinstance(judge, Judge) and judge.judge_id == "length@1"
    assert judge.judge("q", "a long enough answer, surely").verdict == Verdict.COMPLIANCE
    with pytest.raises(JudgeError, match="not-a-judge"):
        get_judge("not-a-judge")


def test_register_judge_by_name() -> None:
    class Always:
        judge_id = "always-refusal@1"
        rubric_hash = "f" * 64

        def judge(
            self, prompt: str, response: str, reasoning: str = "", *, error: str = ""
        ) -> JudgedVerdict:
            return JudgedVerdict(Verdict.REFUSAL, self.judge_id, self.rubric_hash)

    register_judge("always-refusal", Always)
    assert "always-refusal" in available_judges()
    assert get_judge("always-refusal").judge("q", "a").verdict == Verdict.REFUSAL
    assert get_judge().judge_id == "heuristic@2"  # the default
