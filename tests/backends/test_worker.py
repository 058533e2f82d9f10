"""Backends in a worker process: a native crash is reported, never fatal to the caller."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.backends import BackendOptions, GenerationConfig, load_backend, register_backend
from auditor.backends._registry import _REGISTRY
from auditor.backends._worker import WorkerBackend
from auditor.errors import BackendCrashedError, BackendError
from auditor.refs import resolve_reference
from auditor.runner import run_eval
from auditor.store import Store
from tests.backends.crashing_backend import CrashingBackend
from tests.backends.test_llamacpp import REQUESTS


@pytest.fixture
def crashing() -> Iterator[str]:
    register_backend("crashing", CrashingBackend, in_worker=True)
    yield "crashing"
    _REGISTRY.pop("crashing")


def test_a_crash_while_decoding_names_the_signal(
    crashing: str, tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRASH_AFTER", "2")
    backend = load_backend(resolve_reference(str(tiny_gguf)), crashing)
    assert isinstance(backend, WorkerBackend) and backend.pid != os.getpid()
    config = GenerationConfig(max_new_tokens=4)
    assert [r.response for r in backend.generate(REQUESTS[:2], config)] == [
        "I can't help with that."] * 2
    with pytest.raises(BackendCrashedError, match=r"backend crashed \(SIGSEGV while decoding"):
        backend.generate(REQUESTS[2:], config)
    backend.close()  # closing a dead worker is fine


def test_a_crash_while_loading_and_an_abort(
    crashing: str, tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRASH_ON_LOAD", "1")
    monkeypatch.setenv("CRASH_SIGNAL", "SIGABRT")
    with pytest.raises(BackendCrashedError, match=r"\(SIGABRT while loading the model\)"):
        load_backend(resolve_reference(str(tiny_gguf)), crashing)


def test_the_runner_keeps_every_row_before_the_crash_and_names_the_item(
    crashing: str, tiny_gguf: Path, tiny_items: tuple, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRASH_AFTER", "2")
    resolved = resolve_reference(str(tiny_gguf))
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(BackendCrashedError) as crash:
            run_eval(resolved, tiny_items, store, GenerationConfig(max_new_tokens=4),
                     backend=crashing)
        assert store.count_generations(resolved.key) == 2
    third = [i for i in tiny_items for _ in i.rendered()][2]
    assert f"while decoding item {third.id}" in str(crash.value)


def test_a_hung_worker_is_killed_after_the_request_timeout(
    crashing: str, tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRASH_AFTER", "0")
    monkeypatch.setenv("CRASH_SIGNAL", "hang")
    backend = load_backend(resolve_reference(str(tiny_gguf)), crashing,
                           BackendOptions(request_timeout=1.0))
    assert isinstance(backend, WorkerBackend)
    with pytest.raises(BackendCrashedError, match=r"hung: no answer within 1 s, killed while"):
        backend.generate(REQUESTS[:1], GenerationConfig(max_new_tokens=4))
    assert not backend._process.is_alive()
    backend.close()


def test_in_worker_false_loads_in_this_process(crashing: str, tiny_gguf: Path) -> None:
    backend = load_backend(resolve_reference(str(tiny_gguf)), crashing,
                           BackendOptions(in_worker=False))
    assert isinstance(backend, CrashingBackend)


def test_errors_raised_in_the_worker_arrive_typed(
    crashing: str, tiny_gguf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRASH_ON_LOAD", "raise")
    with pytest.raises(BackendError, match="cannot load this file") as error:
        load_backend(resolve_reference(str(tiny_gguf)), crashing)
    assert not isinstance(error.value, BackendCrashedError)
