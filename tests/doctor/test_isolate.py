"""``call_isolated``: results and our errors come back; a native crash is named, not suffered."""

from __future__ import annotations

import os
import signal

import pytest

from auditor.doctor import call_isolated
from auditor.errors import BackendCrashedError, BackendError, InputError


def add(a: int, b: int) -> int:
    return a + b


def die(sig: str) -> None:
    os.kill(os.getpid(), getattr(signal, sig))


def refuse() -> None:
    raise InputError("not a GGUF file")


def divide() -> float:
    return 1 / 0


def test_result_comes_back() -> None:
    assert call_isolated(add, 2, 3, doing="adding") == 5


@pytest.mark.parametrize("sig", ["SIGSEGV", "SIGABRT", "SIGILL"])
def test_crash_names_its_signal(sig: str) -> None:
    with pytest.raises(BackendCrashedError, match=rf"crashed \({sig} while dying on purpose\)"):
        call_isolated(die, sig, doing="dying on purpose")


def test_errors_come_back_typed() -> None:
    with pytest.raises(InputError, match="not a GGUF file"):
        call_isolated(refuse, doing="reading")
    with pytest.raises(BackendError, match="ZeroDivisionError"):
        call_isolated(divide, doing="dividing")
