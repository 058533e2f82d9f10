"""Every Hub request, bounded in time: one place that configures ``huggingface_hub``'s HTTP.

``huggingface_hub`` (2.x, on ``httpx2``) makes its requests through one shared client built
by a factory (:func:`huggingface_hub.set_client_factory`). Left alone it can wait without end:

- its default client has no timeout, and ``list_models`` (pagination) passes ``timeout=None``
  explicitly, so a server that accepts a connection and never answers hangs the crawl;
- its own retry loop (``http_backoff``: listings, file metadata, downloads) sleeps for the
  whole ``Retry-After`` a 429 asks for, plus one second, with no cap (``Retry-After:
  100000`` is 28 hours), and retries timeouts and 5xx up to five more times before our retry
  helper even sees the error, so the two loops multiply;
- ``HF_HUB_ETAG_TIMEOUT`` / ``HF_HUB_DOWNLOAD_TIMEOUT`` only bound some requests, and are
  read once when ``huggingface_hub`` is imported.

:func:`hub_call` runs one of our Hub operations inside a scope (a context variable, so it
holds for the thread that makes the request) in which the client installed here:

- caps every connect/read/write/pool timeout at the scope's ``timeout`` (None becomes it);
- turns a 408/429/5xx answer, a timeout or a connection failure into
  :class:`~auditor.errors.HubUnavailableError` at once (the message names the host and the
  timeout or status), which ``huggingface_hub``'s retry loop does not catch, so the only
  retry is :func:`auditor.backoff.call_with_backoff` with its caps: ``max_wait`` on a
  server-asked wait (``AUDITOR_MAX_RETRY_WAIT``, default 60 s: a longer ``Retry-After`` ends
  the call at once), ``max_delay`` on each wait and ``deadline`` on the whole call.

Outside a scope the client behaves exactly like ``huggingface_hub``'s own, so code that calls
``huggingface_hub`` directly keeps its documented behaviour. File names a repository lists are
data from a stranger: :func:`check_repo_file` refuses ones that are not safe to download.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from auditor.backoff import RETRYABLE_STATUS, RetryPolicy, call_with_backoff
from auditor.errors import AuditorError, HubError, HubUnavailableError, RetryLimitError

log = logging.getLogger(__name__)
T = TypeVar("T")

TIMEOUT_ENV = "AUDITOR_HUB_TIMEOUT"
MAX_WAIT_ENV = "AUDITOR_MAX_RETRY_WAIT"
DEFAULT_TIMEOUT = 30.0  # seconds without a byte (read) or to connect
DEFAULT_MAX_WAIT = 60.0  # longest Retry-After honoured
DEFAULT_DEADLINE = 120.0  # one operation, retries included
MAX_REPO_FILE = 1024  # characters in a repository file name (path)
MAX_COMPONENT = 255  # bytes in one component: what a file system takes


@dataclass(frozen=True, slots=True)
class _Scope:
    timeout: float


_SCOPE: ContextVar[_Scope | None] = ContextVar("auditor_hub_scope", default=None)
_INSTALL_LOCK = threading.Lock()


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        log.warning("%s=%r is not a number of seconds; using %g", name, raw, default)
        return default
    return value if value > 0 else default


def hub_timeout(explicit: float | None = None) -> float:
    """Seconds a Hub request may wait to connect or for the next byte: ``explicit``, else
    ``AUDITOR_HUB_TIMEOUT``, else 30."""
    return explicit if explicit and explicit > 0 else _env_seconds(TIMEOUT_ENV, DEFAULT_TIMEOUT)


def hub_policy(policy: RetryPolicy | None = None) -> RetryPolicy:
    """``policy`` (default: 5 attempts) with the Hub's caps filled in where it leaves them
    open: ``max_wait`` from ``AUDITOR_MAX_RETRY_WAIT`` (default 60 s) and a 120 s deadline."""
    base = policy or RetryPolicy()
    return replace(
        base,
        max_wait=base.max_wait if base.max_wait is not None
        else _env_seconds(MAX_WAIT_ENV, DEFAULT_MAX_WAIT),
        deadline=base.deadline if base.deadline is not None else DEFAULT_DEADLINE,
    )


def hub_call(
    fn: Callable[[], T],
    *,
    what: str,
    policy: RetryPolicy | None = None,
    timeout: float | None = None,
) -> T:
    """``fn()`` (which calls ``huggingface_hub``) with every request bounded and retried only
    by :func:`~auditor.backoff.call_with_backoff` under :func:`hub_policy`.

    When the Hub stays unavailable, raises :class:`~auditor.errors.HubUnavailableError`
    saying what was tried, how often, for how long, and the limit that ended it. Other
    errors (``huggingface_hub``'s 404s and such) pass through for the caller to translate.
    """
    install()
    scope = _Scope(hub_timeout(timeout))
    bounded = hub_policy(policy)
    attempts = 0
    started = time.monotonic()

    def attempt() -> T:
        nonlocal attempts
        attempts += 1
        token = _SCOPE.set(scope)
        try:
            return fn()
        finally:
            _SCOPE.reset(token)

    try:
        return call_with_backoff(attempt, policy=bounded, what=what)
    except RetryLimitError as exc:
        cause = exc.__cause__
        hint = "" if policy is not None and policy.max_wait is not None else (
            f" (the caps: {MAX_WAIT_ENV} for a server-asked wait, {TIMEOUT_ENV} per request)")
        raise HubUnavailableError(
            f"{exc}{hint}", status=getattr(cause, "status", None)) from exc
    except HubUnavailableError as exc:
        spent = time.monotonic() - started
        tries = f"{attempts} attempts" if attempts != 1 else "1 attempt"
        raise HubUnavailableError(
            f"{what} failed after {tries} in {spent:.1f} s: {exc}", status=exc.status,
            headers=exc.headers,
        ) from exc


def check_repo_file(
    name: object, where: str, *, error: type[AuditorError] = HubError
) -> str:
    """``name`` when it is safe as a relative path in a download folder, else ``error``.

    Refused: not a string, empty, longer than 1024 characters or a component over 255 bytes,
    absolute, with ``..`` / ``.`` / empty components, backslashes, or control and format
    characters (NUL, escape sequences, bidi overrides).
    """
    if not isinstance(name, str) or not name:
        raise error(f"{where} lists a file with no usable name ({name!r:.100})")
    shown = ascii(name[:100]) + ("..." if len(name) > 100 else "")
    problem = _name_problem(name)
    if problem:
        raise error(f"{where} lists a file named {shown}, which {problem}; refusing to "
                    "download it")
    return name


def _name_problem(name: str) -> str | None:
    if len(name) > MAX_REPO_FILE:
        return f"is {len(name)} characters long (at most {MAX_REPO_FILE})"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") for ch in name):
        return "holds control or format characters"
    if "\\" in name:
        return "holds a backslash"
    if name.startswith("/"):
        return "is an absolute path"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "has an empty, '.' or '..' path component (it could leave the download folder)"
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_COMPONENT for part in parts):
        return f"has a path component over {MAX_COMPONENT} bytes"
    return None


# --- the client -----------------------------------------------------------------------------
def install() -> None:
    """Make ``huggingface_hub`` build its shared client here (once; again if something else
    replaced the factory since). Cheap enough to call before every operation."""
    from huggingface_hub import get_session, set_client_factory

    with _INSTALL_LOCK:
        if isinstance(get_session(), _client_class()):
            return
        set_client_factory(_make_client)


_CLIENT_CLASS: type | None = None


def _client_class() -> type:
    """The bounded client class (built on first use: httpx2 is imported lazily)."""
    global _CLIENT_CLASS
    if _CLIENT_CLASS is None:
        _CLIENT_CLASS = _build_client_class()
    return _CLIENT_CLASS


def _make_client() -> Any:
    """Like ``huggingface_hub``'s default factory, with the bounded client class."""
    try:  # the default factory's hook: offline mode, request ids, download counter
        from huggingface_hub.utils._http import hf_request_event_hook

        hooks: dict[str, list[Any]] = {"request": [hf_request_event_hook]}
    except ImportError:  # pragma: no cover - a huggingface_hub without the hook
        hooks = {}
    return _client_class()(event_hooks=hooks, follow_redirects=True, timeout=None)


def _build_client_class() -> type:
    import httpx2

    class BoundedClient(httpx2.Client):
        """``httpx2.Client`` whose requests, inside a :func:`hub_call` scope, have bounded
        timeouts and raise :class:`HubUnavailableError` instead of being retried by
        ``huggingface_hub``."""

        def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
            scope = _SCOPE.get()
            if scope is None:
                return super().send(request, **kwargs)
            request.extensions["timeout"] = _clamp(request.extensions.get("timeout"), scope)
            host = request.url.netloc.decode("ascii", "replace")
            try:
                response = super().send(request, **kwargs)
            except httpx2.TimeoutException as exc:
                kind = type(exc).__name__.replace("Timeout", "").lower() or "request"
                raise HubUnavailableError(
                    f"no answer from {host} within {scope.timeout:g} s ({kind} timeout)"
                ) from exc
            except httpx2.TransportError as exc:
                raise HubUnavailableError(
                    f"cannot reach {host} ({type(exc).__name__}: {_short(exc)})"
                ) from exc
            if response.status_code in RETRYABLE_STATUS:
                headers = {k: v for k, v in response.headers.items()}
                response.close()
                path = request.url.path[:200]
                raise HubUnavailableError(
                    f"HTTP {response.status_code} from {host}{path}",
                    status=response.status_code, headers=headers,
                )
            return response

    return BoundedClient


def _clamp(current: object, scope: _Scope) -> dict[str, float]:
    """httpx's per-request timeout dict with every entry at most the scope's timeout."""
    limit = scope.timeout
    out: dict[str, float] = {}
    given = current if isinstance(current, Mapping) else {}
    for key in ("connect", "read", "write", "pool"):
        value = given.get(key)
        out[key] = limit if not isinstance(value, int | float) or value <= 0 else min(
            float(value), limit)
    return out


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] + ("..." if len(text) > 200 else "")


__all__ = [
    "DEFAULT_MAX_WAIT",
    "DEFAULT_TIMEOUT",
    "MAX_WAIT_ENV",
    "TIMEOUT_ENV",
    "check_repo_file",
    "hub_call",
    "hub_policy",
    "hub_timeout",
    "install",
]
