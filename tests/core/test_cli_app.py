"""The CLI entry point: fast start, no heavy imports, errors become exit status 2."""

from __future__ import annotations

import subprocess
import sys

from auditor import __version__


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_lists_commands_without_importing_torch() -> None:
    code = (
        "import sys\n"
        "from auditor.cli import app, main\n"
        "sys.argv = ['auditor', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'llama_cpp') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Usage" in result.stdout
    assert "HEAVY []" in result.stdout


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    result = _run("no-such-command")
    assert result.returncode == 2
    assert "no-such-command" in result.stderr
