"""Run one function in a ``spawn``-ed child process, so a native crash ends the child only.

The doctor imports llama.cpp and torch, builds and quantizes models, and all of that is native
code that a bad build can kill with SIGSEGV or SIGILL (a library compiled for instructions this
CPU lacks dies on import). Each such step runs here: a result comes back pickled, an exception
comes back as our own error, and a dead child raises
:class:`~auditor.errors.BackendCrashedError` naming its signal. The function travels by
reference, so it must be importable (a module-level function).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from auditor.backends import describe_exit, portable_error
from auditor.errors import BackendCrashedError, BackendError

T = TypeVar("T")


def call_isolated(fn: Callable[..., T], *args: Any, doing: str, timeout: float = 300.0) -> T:
    """``fn(*args)`` in a child process; raises what it raised (as an :class:`AuditorError`),
    :class:`BackendCrashedError` when it died, :class:`BackendError` after ``timeout`` s."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, fn, args), daemon=True,
                              name=f"auditor-doctor:{doing}")
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            process.kill()
            process.join(timeout=5)
            raise BackendError(f"no answer after {timeout:.0f} s while {doing}")
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            process.join(timeout=10)
            raise BackendCrashedError(describe_exit(process.exitcode), doing=doing) from None
    finally:
        receiver.close()
    process.join(timeout=10)
    if kind == "error":
        raise payload
    result: T = payload
    return result


def _child(sender: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        result = fn(*args)
    except BaseException as exc:  # every failure goes back to the parent, typed
        sender.send(("error", portable_error(exc, context="")))
        return
    sender.send(("ok", result))


__all__ = ["call_isolated"]
