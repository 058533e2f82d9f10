"""Scheduled scans: several families from one TOML file, an index page, incremental re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.audit import load_scan_config, run_scan
from auditor.errors import UsageError
from tests.audit.scripted_server import ScriptedServer
from tests.audit.test_pipeline_scripted import _folder
from tests.cli._run import auditor


def _config(tmp_path: Path, server: ScriptedServer) -> Path:
    models = tmp_path / "models"
    pairs = (("a-base", None), ("a-ft", "a-base"), ("b-base", None), ("b-ft", "b-base"))
    for name, parent in pairs:
        _folder(models, name, parent)
    url = server.base_url
    path = tmp_path / "scan.toml"
    path.write_text(f"""
[scan]
out = "out"

[defaults]
suites = ["harm"]
max_new_tokens = 32

[[family]]
name = "family A"
local = ["models/a-base", "models/a-ft"]
[family.overrides]
"a-base" = "openai:{url}#refuser"
"a-ft" = "openai:{url}#complier"

[[family]]
name = "family B"
local = ["models/b-base", "models/b-ft"]
[family.overrides]
"b-base" = "openai:{url}#refuser"
"b-ft" = "openai:{url}#refuser"

[[family]]
name = "broken"
lineage = "no-such-lineage.json"
""", encoding="utf-8")
    return path


def test_scan_writes_an_index_and_summary_and_keeps_going_past_a_broken_family(
    tmp_path: Path, server: ScriptedServer
) -> None:
    config = load_scan_config(_config(tmp_path, server))
    assert [f.name for f in config.families] == ["family A", "family B", "broken"]
    assert config.families[0].config.generation.max_new_tokens == 32  # from [defaults]
    summary = run_scan(config)
    by_name = {f.name: f for f in summary.families}
    assert by_name["family A"].degraded == 1
    assert by_name["family B"].degraded == 0
    assert by_name["broken"].status == "error" and "no-such-lineage" in by_name["broken"].error
    assert summary.exit_code == 3
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert saved["schema_version"] == 1 and saved["exit_code"] == 3
    index = (tmp_path / "out" / "index.html").read_text()
    assert 'href="family-A/report.html"' in index and "Content-Security-Policy" in index
    assert (tmp_path / "out" / "family-A" / "report.html").is_file()
    # A second scan reuses every stored generation: no request reaches the server.
    calls = len(server.requests)
    again = run_scan(config)
    assert len(server.requests) == calls
    assert {f.name: f.evaluated for f in again.families if f.status == "ok"} == {
        "family A": 0, "family B": 0}


def test_scan_cli_exit_status(tmp_path: Path, server: ScriptedServer) -> None:
    result = auditor("scan", str(_config(tmp_path, server)))
    assert result.returncode == 3, result.stderr
    assert "index:" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scan]\n", "no \\[\\[family\\]\\] tables"),
        ('[[family]]\nname = "x"\nroot = "o/x"\n[[family]]\nname = "x"\nroot = "o/y"\n',
         "appears twice"),
        ('[[famly]]\nroot = "o/x"\n', "unknown tables"),
        ('[[family]]\nroot = "o/x"\nsuites = 3\n', "must be a string or a list"),
    ],
)
def test_bad_scan_configs(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_scan_config(path)
