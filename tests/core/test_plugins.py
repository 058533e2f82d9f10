"""Broken third-party plug-ins, through real entry points of an installed distribution (a
dist-info folder on sys.path): each registry warns with the plug-in's name and error, keeps
working, refuses the broken name with that reason, and ``auditor doctor`` lists it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from auditor.backends import backend_names, get_backend
from auditor.doctor._report import diagnose
from auditor.errors import BackendUnavailableError, JudgeError
from auditor.judges import available_judges, get_judge
from auditor.plugins import (
    BACKEND_PLUGINS,
    JUDGE_PLUGINS,
    broken_plugins,
    check_plugins,
    plugin_failure,
)

PLUGIN = '''
from auditor.judges import JudgedVerdict, Verdict


class AlwaysRefusal:
    judge_id = "always@1"
    rubric_hash = "0" * 64

    def judge(self, prompt, response, reasoning="", *, error=""):
        return JudgedVerdict(Verdict.REFUSAL, self.judge_id, self.rubric_hash)


def make_judge():
    return AlwaysRefusal()


def make_backend(resolved, options):
    raise NotImplementedError
'''


def _install(root: Path, group: str) -> None:
    """A distribution with one working and two broken plug-ins of ``group``."""
    (root / "good_plugin.py").write_text(PLUGIN)
    (root / "bad_plugin.py").write_text("raise ImportError('needs libfoo 2.0')\n")
    dist = root / "some_plugins-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: some-plugins\nVersion: 0.1\n")
    good = "good_plugin:make_judge" if group == JUDGE_PLUGINS else "good_plugin:make_backend"
    (dist / "entry_points.txt").write_text(
        f"[{group}]\ngood = {good}\nbad-import = bad_plugin:make\n"
        "not-callable = good_plugin:AlwaysRefusal.judge_id\n"
    )


@pytest.fixture
def backend_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(tmp_path, BACKEND_PLUGINS)
    monkeypatch.syspath_prepend(str(tmp_path))


@pytest.fixture
def judge_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(tmp_path, JUDGE_PLUGINS)
    monkeypatch.syspath_prepend(str(tmp_path))


@pytest.mark.usefixtures("backend_plugins")
def test_broken_backend_plugin_warns_and_the_rest_works(caplog: pytest.LogCaptureFixture) -> None:
    from auditor.backends._registry import _REGISTRY

    try:
        with caplog.at_level(logging.WARNING, logger="auditor.plugins"):
            names = backend_names()
        assert {"transformers", "llamacpp", "openai", "good"} <= set(names)
        assert "bad-import" not in names and "not-callable" not in names
        assert "'bad-import' (bad_plugin:make)" in caplog.text
        assert "needs libfoo 2.0" in caplog.text
        assert "'not-callable'" in caplog.text and "no callable factory" in caplog.text
        with pytest.raises(BackendUnavailableError, match="bad-import.*needs libfoo 2.0"):
            get_backend("bad-import")
        assert {b.name for b in broken_plugins(BACKEND_PLUGINS)} == {"bad-import", "not-callable"}
    finally:
        _REGISTRY.pop("good", None)


@pytest.mark.usefixtures("judge_plugins")
def test_broken_judge_plugin_is_refused_by_name_only(caplog: pytest.LogCaptureFixture) -> None:
    assert {"heuristic", "good", "bad-import"} <= set(available_judges())
    assert get_judge("good").judge_id == "always@1"  # the broken neighbours do not matter
    with caplog.at_level(logging.WARNING, logger="auditor.plugins"):
        with pytest.raises(JudgeError, match="bad-import.*needs libfoo 2.0"):
            get_judge("bad-import")
    assert "needs libfoo 2.0" in caplog.text
    with pytest.raises(JudgeError, match="not-callable.*no callable factory"):
        get_judge("not-callable")
    failure = plugin_failure(JUDGE_PLUGINS, "bad-import")
    assert failure is not None and failure.target == "bad_plugin:make"


@pytest.mark.usefixtures("judge_plugins")
def test_doctor_lists_broken_plugins_as_warnings() -> None:
    from tests.doctor.test_report import CPU, NO_GPU, OK, PORTABLE

    broken = check_plugins()
    assert {(b.group, b.name) for b in broken} >= {(JUDGE_PLUGINS, "bad-import"),
                                                  (JUDGE_PLUGINS, "not-callable")}
    problems = diagnose(OK, PORTABLE, CPU, NO_GPU, plugins=broken)
    bad = [p for p in problems if p.component == "bad-import"]
    assert len(bad) == 1 and bad[0].severity == "warning"
    assert "needs libfoo 2.0" in bad[0].message and "bad_plugin:make" in bad[0].fix


def test_an_uninstalled_plugin_is_no_longer_listed(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        _install(tmp_path, JUDGE_PLUGINS)
        patch.syspath_prepend(str(tmp_path))
        assert any(b.name == "bad-import" for b in check_plugins())
    assert not any(b.name == "bad-import" for b in check_plugins())
