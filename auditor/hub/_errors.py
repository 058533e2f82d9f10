"""``huggingface_hub`` and HTTP failures turned into our errors, by exception type.

Checked in this order because ``huggingface_hub``'s classes nest: ``GatedRepoError`` is a
``RepositoryNotFoundError``, ``LocalEntryNotFoundError`` an ``EntryNotFoundError``. Our own
errors (already translated, or :class:`~auditor.errors.HubUnavailableError` from the bounded
client) pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from auditor.backoff import RetryPolicy, is_retryable, status_of
from auditor.errors import (
    AuditorError,
    GatedRepoError,
    HubError,
    HubUnavailableError,
    RepoNotFoundError,
)
from auditor.hub._http import _short, hub_call

T = TypeVar("T")


def translate(exc: BaseException, what: str) -> AuditorError:
    """Our error for a failed Hub operation described by ``what`` (a repo, a file...)."""
    if isinstance(exc, AuditorError):
        return exc
    from huggingface_hub import errors as hf

    status = status_of(exc)
    if isinstance(exc, hf.GatedRepoError):
        return GatedRepoError(f"{what} is gated and this token has no access: accept its "
                              "licence on the Hub and set HF_TOKEN", status=status or 403)
    if isinstance(exc, hf.RepositoryNotFoundError):
        return RepoNotFoundError(f"{what}: no such repository (or it is private)",
                                 status=status or 404)
    if isinstance(exc, hf.RevisionNotFoundError):
        return RepoNotFoundError(f"{what}: no such revision", status=status or 404)
    if isinstance(exc, hf.DisabledRepoError):
        return RepoNotFoundError(f"{what}: the repository is disabled", status=status)
    if isinstance(exc, hf.LocalEntryNotFoundError):
        return HubUnavailableError(f"{what}: not in the local cache and the Hub cannot be "
                                   f"reached ({_short(exc)})")
    if isinstance(exc, hf.EntryNotFoundError):
        return RepoNotFoundError(f"{what}: file not found", status=status or 404)
    if isinstance(exc, hf.HFValidationError):
        return RepoNotFoundError(f"{what}: not a valid repo id or file name ({_short(exc)})")
    if isinstance(exc, hf.OfflineModeIsEnabled):
        return HubUnavailableError(f"{what}: Hub access is switched off (HF_HUB_OFFLINE)")
    reason = f"HTTP {status}" if status else f"{type(exc).__name__}: {_short(exc)}"
    return HubError(f"{what}: the Hub request failed ({reason})", status=status)


def is_unreachable(exc: BaseException) -> bool:
    """True when no answer came from the Hub (offline mode, no connection, timeouts, 5xx
    after retries), as opposed to an answer about the repository."""
    from huggingface_hub import errors as hf

    return isinstance(exc, HubUnavailableError | hf.OfflineModeIsEnabled) or is_retryable(exc)


def hub_request(
    fn: Callable[[], T],
    *,
    what: str,
    policy: RetryPolicy | None = None,
    timeout: float | None = None,
) -> T:
    """:func:`hub_call` with every failure translated: the one way to make a Hub request."""
    try:
        return hub_call(fn, what=what, policy=policy, timeout=timeout)
    except Exception as exc:  # huggingface_hub and httpx errors, translated at this boundary
        translated = translate(exc, what)
        if translated is exc:
            raise
        raise translated from exc
