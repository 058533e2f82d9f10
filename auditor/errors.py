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


class BackendUnavailableError(BackendError):
    """A backend's optional dependency is not installed; the message names the pip extra."""


class SuiteError(AuditorError):
    """A suite is unknown or one of its items is malformed."""


class StoreError(AuditorError):
    """The results store cannot be opened or has an incompatible schema."""


class JudgeError(AuditorError):
    """A judge cannot be built or run."""


class ReportError(AuditorError):
    """A report cannot be built from the given inputs."""


__all__ = [
    "AuditorError",
    "BackendError",
    "BackendUnavailableError",
    "GatedRepoError",
    "HubError",
    "InputError",
    "JudgeError",
    "ModelReferenceError",
    "RepoNotFoundError",
    "ReportError",
    "StoreError",
    "SuiteError",
    "UnsafeCheckpointError",
    "UsageError",
]
