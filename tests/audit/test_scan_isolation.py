"""One family's failure never ends a scan: it is in summary.json with its reason, the other
families are audited, and index.html and summary.json are always written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.audit import load_scan_config, run_scan
from auditor.backends import register_backend
from auditor.backends._registry import _REGISTRY
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder
from tests.backends.crashing_backend import CrashingBackend
from tests.cli._run import auditor

DEAD = "openai:http://127.0.0.1:9/v1#nobody"  # nothing listens on the discard port


def _scan_file(tmp_path: Path, families: str, limit: int = 4) -> Path:
    path = tmp_path / "scan.toml"
    path.write_text(f'[scan]\nout = "out"\n[defaults]\nsuites = ["harm"]\nlimit = {limit}\n'
                    f"max_new_tokens = 16\n{families}", encoding="utf-8")
    return path


def _pair(tmp_path: Path, prefix: str, url: str, base: str, child: str) -> str:
    models = tmp_path / "models"
    _folder(models, f"{prefix}-base", None)
    _folder(models, f"{prefix}-ft", f"{prefix}-base")
    return (f'local = ["models/{prefix}-base", "models/{prefix}-ft"]\n'
            f'overrides = {{ "{prefix}-base" = "{base}", '
            f'"{prefix}-ft" = "{child if child.startswith("openai:") else url + "#" + child}" }}\n')


class RaisingBackend:
    """A third-party backend that fails with its own exception type, not one of ours (as
    torch does with ``torch.OutOfMemoryError`` or a CUDA error)."""

    name = "raising"

    def __init__(self, resolved: object, options: object) -> None:
        raise RuntimeError("CUDA error: an illegal memory access was encountered")


@pytest.fixture
def raising() -> Iterator[str]:
    register_backend("raising", RaisingBackend)  # type: ignore[arg-type]
    yield "raising"
    _REGISTRY.pop("raising")


def _raising_family(tmp_path: Path, tiny_gguf: Path) -> str:
    _folder(tmp_path / "models", "r-base", None)
    return (f'local = ["models/r-base"]\nbackend = "raising"\n'
            f'overrides = {{ "r-base" = "{tiny_gguf}" }}\n')


def test_a_scan_whose_first_family_fails_lists_it_and_audits_the_others(
    tmp_path: Path, server: ScriptedServer, tiny_gguf: Path, raising: str
) -> None:
    url = f"openai:{server.base_url}"
    path = _scan_file(tmp_path, (
        '[[family]]\nname = "broken backend"\n' + _raising_family(tmp_path, tiny_gguf)
        + '[[family]]\nname = "dead root"\n' + _pair(tmp_path, "d", url, DEAD, "refuser")
        + '[[family]]\nname = "fine"\n' + _pair(tmp_path, "f", url, url + "#refuser",
                                                "complier")
    ))
    summary = run_scan(load_scan_config(path))
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    by_name = {f["name"]: f for f in saved["families"]}
    assert list(by_name) == ["broken backend", "dead root", "fine"]
    assert by_name["broken backend"]["status"] == "error"
    assert by_name["broken backend"]["error"] == (
        "unexpected RuntimeError: CUDA error: an illegal memory access was encountered")
    assert by_name["dead root"]["status"] == "error"
    assert "the root d-base could not be evaluated: every request failed" in \
        by_name["dead root"]["error"]
    assert by_name["fine"]["status"] == "ok" and by_name["fine"]["degraded"] == 1
    assert saved["exit_code"] == summary.exit_code == 3  # README: 3 wins over 2
    index = (tmp_path / "out" / "index.html").read_text()
    assert "could not be audited" in index and "illegal memory access" in index
    assert (tmp_path / "out" / "fine" / "report.json").is_file()


def test_the_cli_prints_the_failed_family_and_exits_2_when_nothing_is_degraded(
    tmp_path: Path, server: ScriptedServer
) -> None:
    url = f"openai:{server.base_url}"
    path = _scan_file(tmp_path, (
        '[[family]]\nname = "dead root"\n' + _pair(tmp_path, "d", url, DEAD, "refuser")
        + '[[family]]\nname = "fine"\n' + _pair(tmp_path, "f", url, url + "#refuser",
                                                "refuser")
    ), limit=1)
    result = auditor("scan", str(path))
    assert result.returncode == 2, result.stderr
    assert "could not be evaluated" in result.stdout and "index:" in result.stdout
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [f["status"] for f in saved["families"]] == ["error", "ok"]


@pytest.fixture
def crashing() -> Iterator[str]:
    register_backend("crashing", CrashingBackend, in_worker=True)
    yield "crashing"
    _REGISTRY.pop("crashing")


def test_a_native_crash_of_a_root_fails_only_its_family(
    tmp_path: Path, server: ScriptedServer, tiny_gguf: Path, crashing: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRASH_ON_LOAD", "1")  # read in the worker: the crash family only loads it
    url = f"openai:{server.base_url}"
    _folder(tmp_path / "models", "c-base", None)
    path = _scan_file(tmp_path, (
        f'[[family]]\nname = "crash"\nlocal = ["models/c-base"]\nbackend = "{crashing}"\n'
        f'overrides = {{ "c-base" = "{tiny_gguf}" }}\n'
        '[[family]]\nname = "fine"\n' + _pair(tmp_path, "f", url, url + "#refuser", "refuser")
    ))
    summary = run_scan(load_scan_config(path))
    crash, fine = summary.families
    assert crash.status == "error" and "backend crashed (SIGSEGV" in crash.error
    assert fine.status == "ok" and fine.not_degraded + fine.inconclusive == 1
    assert summary.exit_code == 2
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["exit_code"] == 2


def test_a_family_whose_every_derivative_failed_is_not_ok(
    tmp_path: Path, server: ScriptedServer
) -> None:
    url = f"openai:{server.base_url}"
    path = _scan_file(tmp_path, '[[family]]\nname = "dead children"\n'
                      + _pair(tmp_path, "x", url, url + "#refuser", DEAD), limit=1)
    summary = run_scan(load_scan_config(path))
    (family,) = summary.families
    assert family.status == "error" and family.exit_code == 2
    assert "no derivative could be evaluated (x-ft: every request failed" in family.error
    assert family.report_json == "dead-children/report.json"  # the report is still there
    report = json.loads((tmp_path / "out" / family.report_json).read_text())
    assert [n["id"] for n in report["not_audited"]] == ["x-ft"]
    assert summary.exit_code == 2
    index = (tmp_path / "out" / "index.html").read_text()
    assert "could not be audited: no derivative" in index
    assert 'href="dead-children/report.html"' in index


HOSTILE_NAMES = [
    "..", ".", "a/b", "a b", "A-B", "summary.json", "index.html", "audit.db", "AUDIT.DB-wal",
    "evil\u001b]0;pwned\u0007", "/etc/passwd", "../../outside", "\u202eoctal", "CON",
    "nul.txt", "x" * 300, "\u00e9t\u00e9", "\u6a21\u578b", "-", "a\nb",
]


def _families(tmp_path: Path, url: str, names: list[str]) -> str:
    tables = ""
    for i, name in enumerate(names):
        encoded = json.dumps(name)  # a JSON string is a TOML basic string for these
        tables += f"[[family]]\nname = {encoded}\n" + _pair(tmp_path, f"n{i}", url,
                                                            url + "#refuser", "refuser")
    return tables


def test_family_names_become_distinct_folders_inside_out(tmp_path: Path) -> None:
    path = _scan_file(tmp_path, _families(tmp_path, "openai:http://127.0.0.1:9/v1",
                                          HOSTILE_NAMES))
    config = load_scan_config(path)
    out = (tmp_path / "out").resolve()
    folders = [f.config.out for f in config.families]
    assert len({str(f).lower() for f in folders}) == len(HOSTILE_NAMES)  # case-insensitively
    for folder in folders:
        assert folder.parent == out, folder
        assert folder.name not in ("summary.json", "index.html", "audit.db", ".", "..")
        assert folder.name.isascii() and folder.name.isprintable() and len(folder.name) <= 80
    assert [f.name for f in config.families] == HOSTILE_NAMES  # the names themselves are kept


def test_a_scan_of_hostile_names_writes_only_inside_out_and_prints_them_escaped(
    tmp_path: Path, server: ScriptedServer
) -> None:
    names = ["..", "a/b", "evil\u001b]0;pwned\u0007\u202e"]
    path = _scan_file(tmp_path, _families(tmp_path, f"openai:{server.base_url}", names),
                      limit=2)
    result = auditor("scan", str(path))
    assert result.returncode == 0, result.stderr
    assert "\x1b]" not in result.stdout and "\u202e" not in result.stdout
    assert "evil[U+001B]]0;pwned[U+0007][U+202E]" in result.stdout
    assert {p.name for p in tmp_path.iterdir()} == {"models", "out", "scan.toml"}
    out = (tmp_path / "out").resolve()
    saved = json.loads((out / "summary.json").read_text())
    assert [f["name"] for f in saved["families"]] == names
    for family in saved["families"]:
        assert (out / family["report_html"]).resolve().parent.parent == out
