"""Run a backend in a child process, so a native crash kills the child, never the audit.

llama.cpp (and any C extension) can die on a malformed or hostile model file with SIGSEGV or
SIGABRT, and the kernel's out-of-memory killer ends a process without warning. A
:class:`WorkerBackend` loads the real backend in a ``spawn``-ed child and forwards each
``generate`` call over a pipe; when the child dies, the call raises
:class:`~auditor.errors.BackendCrashedError` naming the signal, and the caller (the runner)
keeps every result it already stored.

The factory travels to the child by reference (module and name), so it must be importable:
a module-level function or class, not a closure.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import signal
import time
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from auditor.backends._protocol import Backend, BackendFactory
from auditor.backends._types import (
    BackendOptions,
    GenerationConfig,
    GenerationRequest,
    GenerationResult,
)
from auditor.errors import AuditorError, BackendCrashedError, BackendError
from auditor.refs import ResolvedModel

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.5
LOAD_TIMEOUT = 3600.0  # seconds to load a model: a 70B file from a slow disk fits


class WorkerBackend:
    """A backend living in a child process; the same :class:`Backend` protocol outside."""

    def __init__(self, factory: BackendFactory, resolved: ResolvedModel,
                 options: BackendOptions) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(
            target=serve, args=(child_end, factory, resolved, options),
            name=f"auditor-backend:{resolved.identity.reference}", daemon=True,
        )
        self._process.start()
        child_end.close()
        self._request_timeout = options.request_timeout
        ready = self._receive("loading the model", LOAD_TIMEOUT)
        self.name: str = ready["name"]
        self.identity = ready["identity"]
        self.batch_size: int = ready["batch_size"]
        self.pid = self._process.pid

    def generate(
        self, requests: Sequence[GenerationRequest], config: GenerationConfig
    ) -> list[GenerationResult]:
        self._send(("generate", list(requests), config))
        budget = self._request_timeout * max(1, len(requests))
        results: list[GenerationResult] = self._receive("decoding", budget)["results"]
        return results

    def close(self) -> None:
        """Ask the child to free the model and exit; kill it if it does not within 30 s."""
        if not self._process.is_alive():
            self._process.join(timeout=1)
            self._conn.close()
            return
        try:
            self._conn.send(("close",))
        except (BrokenPipeError, OSError):
            pass
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._conn.close()

    def _send(self, message: tuple[Any, ...]) -> None:
        try:
            self._conn.send(message)
        except (BrokenPipeError, OSError) as exc:
            raise self._crashed("decoding") from exc

    def _receive(self, doing: str, timeout: float) -> dict[str, Any]:
        """The child's next reply; raises when it reports an error, dies, or hangs: a child
        silent for ``timeout`` seconds (``--request-timeout`` per request) is killed."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self._conn.poll(_POLL_SECONDS):
                    kind, payload = self._conn.recv()
                    break
            except (EOFError, OSError):
                raise self._crashed(doing) from None
            if not self._process.is_alive():
                raise self._crashed(doing)
            if time.monotonic() > deadline:
                self._process.kill()
                self._process.join(timeout=5)
                self._conn.close()
                raise BackendCrashedError(f"hung: no answer within {timeout:.0f} s, killed",
                                          doing=doing)
        if kind == "error":
            self.close()
            raise payload
        reply: dict[str, Any] = payload
        return reply

    def _crashed(self, doing: str) -> BackendCrashedError:
        self._process.join(timeout=5)
        code = self._process.exitcode
        self._conn.close()
        return BackendCrashedError(describe_exit(code), doing=doing)


def describe_exit(code: int | None) -> str:
    """``SIGSEGV`` for a process killed by signal 11, ``exit status 3`` for ``exit(3)``."""
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def serve(conn: Connection, factory: BackendFactory, resolved: ResolvedModel,
          options: BackendOptions) -> None:
    """The child's loop: load, then answer ``generate`` requests until ``close``."""
    try:
        backend = factory(resolved, options)
    except BaseException as exc:  # every failure goes back to the parent, typed
        conn.send(("error", portable_error(exc)))
        return
    conn.send(("ready", {"name": backend.name, "identity": backend.identity,
                         "batch_size": backend.batch_size}))
    try:
        _answer(conn, backend)
    finally:
        backend.close()


def _answer(conn: Connection, backend: Backend) -> None:
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent went away
        if message[0] == "close":
            return
        _, requests, config = message
        try:
            results = backend.generate(requests, config)
        except BaseException as exc:
            conn.send(("error", portable_error(exc)))
            return
        conn.send(("ok", {"results": results}))


def portable_error(exc: BaseException, context: str = "the backend failed") -> AuditorError:
    """What a child process sends back for ``exc``: ``exc`` itself if it is one of ours and
    survives pickling, else a :class:`BackendError` naming it (after ``context``)."""
    if isinstance(exc, AuditorError):
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:
            return BackendError(str(exc))
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return BackendError(f"{context}: {last}" if context else last)
