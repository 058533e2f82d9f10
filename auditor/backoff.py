"""The one retry helper: bounded exponential backoff for HTTP calls.

Retries on 408, 429 and 5xx and on connection errors; honours ``Retry-After`` (seconds or an
HTTP date) and the ``RateLimit`` header's ``t=<seconds>`` (the Hub's rate-limit answer).
Used by the Hub client in :mod:`lineage` and by remote inference backends.

Every wait is bounded: a server-asked delay is cut to ``max_delay``, or, when the policy sets
``max_wait``, a server asking for more than that is not waited for at all (retrying stops at
once with :class:`~auditor.errors.RetryLimitError` naming the wait and the cap: a Hub asking
for 27 hours will not answer in one minute either); ``deadline`` bounds the whole call.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from auditor.errors import RetryLimitError

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_RATELIMIT_T = re.compile(r"(?:^|[;,\s])t=(\d+(?:\.\d+)?)")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to retry. ``max_attempts`` counts the first try.

    ``max_delay`` caps each wait (ours, or one a server asked for). ``max_wait`` (None: off)
    is the longest server-asked wait honoured: a longer ``Retry-After`` / ``RateLimit t=``
    ends retrying at once with :class:`~auditor.errors.RetryLimitError`. ``deadline`` (None:
    off) is the most seconds one call may spend, attempts and waits together, before a wait
    that would pass it is refused the same way.
    """

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 60.0
    jitter: float = 0.1
    max_wait: float | None = None
    deadline: float | None = None


DEFAULT_POLICY = RetryPolicy()

def status_of(exc: BaseException) -> int | None:
    """The HTTP status carried by an exception (requests, httpx or huggingface_hub style)."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(status, int):
        return status
    status = getattr(exc, "status", None) or getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def headers_of(exc: BaseException) -> Mapping[str, str]:
    """The response headers carried by an exception, or an empty mapping."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        headers = getattr(exc, "headers", None)  # errors that keep only the headers
    return headers if isinstance(headers, Mapping) else {}


def delay_from_headers(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait, from ``Retry-After`` or ``RateLimit: ...;t=N``."""
    lowered = {k.lower(): v for k, v in headers.items()}
    retry_after = lowered.get("retry-after")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            try:
                when = parsedate_to_datetime(retry_after)
                return max(0.0, when.timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    ratelimit = lowered.get("ratelimit")
    if ratelimit:
        match = _RATELIMIT_T.search(ratelimit)
        if match:
            return float(match.group(1))
    return None


def is_retryable(exc: BaseException) -> bool:
    """True for 408/429/5xx answers and for connection-level failures."""
    status = status_of(exc)
    if status is not None:
        return status in RETRYABLE_STATUS
    if getattr(exc, "retryable", False) is True:  # e.g. HubUnavailableError: no answer in time
        return True
    name = type(exc).__name__
    return isinstance(exc, ConnectionError | TimeoutError) or name in {
        "ConnectError",
        "ConnectTimeout",
        "ReadTimeout",
        "RemoteProtocolError",
        "ReadError",
        "ConnectionError",
        "Timeout",
    }


def call_with_backoff(
    fn: Callable[[], T],
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    retryable: Callable[[BaseException], bool] = is_retryable,
    sleep: Callable[[float], Any] = time.sleep,
    what: str = "request",
) -> T:
    """Call ``fn`` until it succeeds, a non-retryable error occurs, or attempts run out.

    The last error is re-raised unchanged when attempts are exhausted. A server-asked wait
    over ``policy.max_wait``, or a wait that would pass ``policy.deadline``, raises
    :class:`~auditor.errors.RetryLimitError` (from the last error) instead of sleeping.
    """
    attempt = 1
    started = time.monotonic()
    waited = asleep = 0.0  # seconds asked of ``sleep``, and seconds it took
    while True:
        try:
            return fn()
        except Exception as exc:
            if attempt >= policy.max_attempts or not retryable(exc):
                raise
            asked = delay_from_headers(headers_of(exc))
            if asked is not None and policy.max_wait is not None and asked > policy.max_wait:
                raise RetryLimitError(
                    f"{what}: the server answered {_reason(exc)} and asks to wait "
                    f"{_duration(asked)} before retrying, more than the "
                    f"{_duration(policy.max_wait)} cap on such waits; try again later "
                    "(or raise the cap)",
                    attempts=attempt,
                ) from exc
            backoff = policy.base_delay * (2 ** (attempt - 1))
            delay = min(policy.max_delay, asked if asked is not None else backoff)
            delay += random.uniform(0, policy.jitter * max(delay, policy.base_delay))
            spent = time.monotonic() - started - asleep + waited  # an injected sleep counts
            if policy.deadline is not None and spent + delay > policy.deadline:
                raise RetryLimitError(
                    f"{what}: gave up after {attempt} attempts in {_duration(spent)} "
                    f"(last: {_reason(exc)}); the next retry would pass the "
                    f"{_duration(policy.deadline)} deadline",
                    attempts=attempt,
                ) from exc
            log.info(
                "%s failed (%s, status %s); retry %d/%d in %.2fs",
                what,
                type(exc).__name__,
                status_of(exc),
                attempt,
                policy.max_attempts - 1,
                delay,
            )
            before = time.monotonic()
            sleep(delay)
            asleep += time.monotonic() - before
            waited += delay
            attempt += 1


def _reason(exc: BaseException) -> str:
    status = status_of(exc)
    if status is not None:
        return f"HTTP {status}"
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _duration(seconds: float) -> str:
    """``0.5 s``, ``60 s``, ``100000 s (27.8 h)``."""
    text = f"{seconds:.3g} s" if seconds < 100 else f"{seconds:.0f} s"
    if seconds >= 3600:
        text += f" ({seconds / 3600:.1f} h)"
    elif seconds >= 120:
        text += f" ({seconds / 60:.1f} min)"
    return text
