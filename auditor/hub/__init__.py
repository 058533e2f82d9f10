"""The one way to the Hugging Face Hub: endpoint, client, bounded HTTP, errors by type.

- :func:`resolve_endpoint` / :func:`hub_api`: which Hub (``HF_ENDPOINT`` read at call time)
  and the ``HfApi`` for it;
- :func:`hub_request`: one Hub operation, bounded in time and retried once by our retry loop
  (:func:`hub_call`), its failures turned into our errors by :func:`translate` (gated ->
  ``GatedRepoError``, missing repo, revision or file -> ``RepoNotFoundError``, no answer ->
  ``HubUnavailableError``, the rest ``HubError``);
- :func:`read_range`: bytes of a repository file by an HTTP ``Range`` request (headers of
  large weights without downloading them);
- :func:`check_repo_file`: a file name a repository lists, checked before download.

lineage, refs and suites all use it; nothing else builds an ``HfApi`` or translates its errors.
"""

from auditor.hub._endpoint import DEFAULT_ENDPOINT, hub_api, resolve_endpoint
from auditor.hub._errors import hub_request, is_unreachable, translate
from auditor.hub._http import (
    DEFAULT_MAX_WAIT,
    DEFAULT_TIMEOUT,
    MAX_WAIT_ENV,
    TIMEOUT_ENV,
    check_repo_file,
    hub_call,
    hub_policy,
    hub_timeout,
    install,
)
from auditor.hub._range import MAX_RANGE, read_range

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_MAX_WAIT",
    "DEFAULT_TIMEOUT",
    "MAX_RANGE",
    "MAX_WAIT_ENV",
    "TIMEOUT_ENV",
    "check_repo_file",
    "hub_api",
    "hub_call",
    "hub_policy",
    "hub_request",
    "hub_timeout",
    "install",
    "is_unreachable",
    "read_range",
    "resolve_endpoint",
    "translate",
]
