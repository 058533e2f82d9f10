"""A quantizing child process: success only when it exits 0 and made its output; a failure,
a crash (signal) or a run past its time is a QuantizationError that names the tool."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from auditor.errors import QuantizationError
from auditor.quantize._child import run_child


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_success_needs_the_output(tmp_path: Path) -> None:
    made = tmp_path / "out.gguf"
    run_child(_python(f"open({str(made)!r}, 'w').write('x')"), tool="t", label="Q8_0",
              made=made, timeout_s=60)
    with pytest.raises(QuantizationError, match=r"^t failed \(Q8_0\): no output$"):
        run_child(_python("pass"), tool="t", label="Q8_0", made=tmp_path / "never",
                  timeout_s=60)


def test_the_last_stderr_line_is_the_reason(tmp_path: Path) -> None:
    code = "import sys; print('noise', file=sys.stderr); print('ValueError: bad', " \
           "file=sys.stderr); sys.exit(1)"
    with pytest.raises(QuantizationError, match=r"^gptqmodel failed \(gptq-4bit\): "
                                                r"ValueError: bad$"):
        run_child(_python(code), tool="gptqmodel", label="gptq-4bit", made=tmp_path / "m",
                  timeout_s=60)


def test_a_crash_and_a_hang_are_reasons(tmp_path: Path) -> None:
    with pytest.raises(QuantizationError, match=r"killed by signal 9"):
        run_child(_python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"),
                  tool="t", label="x", made=tmp_path / "m", timeout_s=60)
    with pytest.raises(QuantizationError, match=r"^t ran past 1 s$"):
        run_child(_python("import time; time.sleep(30)"), tool="t", label="x",
                  made=tmp_path / "m", timeout_s=1)


def test_a_tool_may_read_its_own_reason(tmp_path: Path) -> None:
    """The converter picks its reason from its log (not its last line); unlabelled tools say
    just "<tool> failed: <why>"."""
    code = "import sys; print('ERROR: the real cause', file=sys.stderr); " \
           "print('INFO: cleanup', file=sys.stderr); sys.exit(3)"
    with pytest.raises(QuantizationError, match=r"^conv failed: exit 3, ERROR: the real cause$"):
        run_child(_python(code), tool="conv", label=None, made=tmp_path / "m", timeout_s=60,
                  reason=lambda done: f"exit {done.returncode}, {done.stderr.splitlines()[0]}")
