"""The one error hierarchy of the project.

Every error a user can cause or meet derives from :class:`AuditorError`; the CLI prints its
message (never a traceback) and exits with status 2. Library code raises these, never
``SystemExit``.
"""

from __future__ import annotations


class AuditorError(Exception):
    """Base class: a problem the user can understand and act on."""


class UsageError(AuditorError):
    """Bad arguments or configuration."""


class InputError(AuditorError):
    """A file or record given by the user cannot be read or is malformed."""


class HubError(AuditorError):
    """The Hub (or a stand-in for it) failed after retries or answered unexpectedly."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class HubUnavailableError(HubError):
    """The Hub did not answer within the timeout, could not be reached, or answered 408, 429
    or 5xx. Retryable: :func:`auditor.backoff.call_with_backoff` tries again within its
    limits; the message names the timeout or the status. ``headers`` keeps the answer's
    headers (``Retry-After``, ``RateLimit``)."""

    retryable = True

    def __init__(
        self, message: str, *, status: int | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.headers = dict(headers or {})


class RetryLimitError(AuditorError):
    """Retrying stopped early: the server asked to wait longer than the cap on such waits, or
    the next wait would pass the call's deadline. ``attempts`` made so far."""

    def __init__(self, message: str, *, attempts: int = 0) -> None:
        super().__init__(message)
        self.attempts = attempts


class RepoNotFoundError(HubError):
    """The repository, revision or file does not exist (or is private)."""


class GatedRepoError(HubError):
    """The repository is gated and this token has no access."""


class ModelReferenceError(AuditorError):
    """A model reference cannot be parsed or resolved."""


class UnsafeCheckpointError(AuditorError):
    """Loading would execute untrusted code (pickle weights, remote code) without opt-in."""


class BackendError(AuditorError):
    """A backend failed to load a model or to generate."""


class BackendCrashedError(BackendError):
    """The backend's worker process died: a signal (SIGSEGV, SIGABRT) or the OOM killer.

    The message reads ``backend crashed (SIGSEGV while decoding item X)``.
    """

    def __init__(self, cause: str, *, doing: str = "", item: str = "") -> None:
        self.cause, self.doing, self.item = cause, doing, item
        where = f" while {doing}" if doing else ""
        if item:
            where += f" item {item}"
        super().__init__(f"backend crashed ({cause}{where})")

    def __reduce__(self) -> tuple[object, ...]:
        return (_crashed, (self.cause, self.doing, self.item))

    def at_item(self, item: str) -> BackendCrashedError:
        """The same crash, naming the item whose request was being decoded."""
        return BackendCrashedError(self.cause, doing=self.doing, item=item)


def _crashed(cause: str, doing: str, item: str) -> BackendCrashedError:
    return BackendCrashedError(cause, doing=doing, item=item)


class BackendUnavailableError(BackendError):
    """A backend's optional dependency is not installed; the message names the pip extra."""


class QuantizationError(BackendError):
    """A model cannot be quantized here (``--quantize``): no converter, no GPU or library for
    the method, an architecture llama.cpp's converter lacks, or a failed conversion."""


class SuiteError(AuditorError):
    """A suite is unknown or one of its items is malformed."""


class StoreError(AuditorError):
    """The results store cannot be opened or has an incompatible schema."""


class OutputError(AuditorError):
    """An output cannot be written, or would overwrite an input of the same command."""


class JudgeError(AuditorError):
    """A judge cannot be built or run."""


class ReportError(AuditorError):
    """A report cannot be built from the given inputs."""


__all__ = [
    "AuditorError",
    "BackendCrashedError",
    "BackendError",
    "BackendUnavailableError",
    "GatedRepoError",
    "HubError",
    "HubUnavailableError",
    "InputError",
    "JudgeError",
    "ModelReferenceError",
    "OutputError",
    "QuantizationError",
    "RepoNotFoundError",
    "ReportError",
    "RetryLimitError",
    "StoreError",
    "SuiteError",
    "UnsafeCheckpointError",
    "UsageError",
]
