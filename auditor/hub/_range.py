"""A ranged read of one repository file: a few bytes of a large file without downloading it.

Made for reading headers (a safetensors file starts with an 8-byte length and a JSON header)
of multi-gigabyte weights. The request goes through the same bounded client, retry loop and
error translation as every other Hub request. Every read is bounded: ``length`` is capped,
a server that ignores ``Range`` and sends the whole file is read only up to the bytes asked
for, and an error body is read only up to 64 KiB.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.errors import HubError, InputError
from auditor.hub._endpoint import resolve_endpoint
from auditor.hub._errors import hub_request
from auditor.hub._http import check_repo_file

MAX_RANGE = 128 * 1024 * 1024  # bytes one ranged read may ask for (safetensors: 100 MB header)
_MAX_ERROR_BODY = 64 * 1024
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


def read_range(
    repo_id: str,
    filename: str,
    revision: str,
    start: int,
    length: int,
    token: str | None = None,
    *,
    repo_type: str | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> bytes:
    """Bytes ``start`` to ``start + length - 1`` of ``filename`` in ``repo_id`` at
    ``revision`` (pin a commit sha for reproducible reads).

    Fewer bytes only when the file ends first (none when it ends before ``start``).
    ``token`` None means the client's own (``HF_TOKEN`` or a saved login); ``endpoint`` None
    means ``HF_ENDPOINT``, else the public Hub. Raises :class:`~auditor.errors.InputError`
    for a negative ``start``, a ``length`` under 1 or over :data:`MAX_RANGE`, or an unsafe
    file name; :class:`~auditor.errors.RepoNotFoundError` /
    :class:`~auditor.errors.GatedRepoError` / :class:`~auditor.errors.HubUnavailableError`
    / :class:`~auditor.errors.HubError` as every Hub request does.
    """
    if start < 0 or not 1 <= length <= MAX_RANGE:
        raise InputError(f"a ranged read of {filename!r:.100} asked for {length} bytes at "
                         f"{start}; at most {MAX_RANGE} bytes at an offset of 0 or more")
    check_repo_file(filename, repo_id, error=InputError)
    where = f"{repo_id}/{filename}@{revision[:12]}"

    def fetch() -> bytes:
        from huggingface_hub import get_session, hf_hub_url
        from huggingface_hub.utils import build_hf_headers

        url = hf_hub_url(repo_id, filename, repo_type=repo_type, revision=revision,
                         endpoint=resolve_endpoint(endpoint))
        headers = build_hf_headers(token=token,
                                   headers={"Range": f"bytes={start}-{start + length - 1}"})
        with get_session().stream("GET", url, headers=headers) as response:
            return _body(response, start, length, where)

    return hub_request(fetch, what=f"ranged read of {where}", timeout=timeout)


def _body(response: Any, start: int, length: int, where: str) -> bytes:
    status = response.status_code
    if status == 416:  # the file ends before ``start``
        return b""
    if status >= 400:
        _raise_for_status(response)
    if status == 206:
        first = _range_start(response.headers.get("Content-Range", ""), where)
        if first != start:
            raise HubError(f"{where}: asked for bytes from {start}, the server sent from {first}")
        return _read_at_most(response, length)
    if status == 200:  # Range ignored: the whole file comes; skip to ``start``, stop after
        return _read_at_most(response, start + length)[start:]
    raise HubError(f"{where}: unexpected HTTP {status} to a ranged read", status=status)


def _range_start(header: str, where: str) -> int:
    match = _CONTENT_RANGE.match(header.strip())
    if match is None:
        raise HubError(f"{where}: a partial answer without a usable Content-Range "
                       f"({header[:80]!r})")
    return int(match[1])


def _read_at_most(response: Any, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]


def _raise_for_status(response: Any) -> None:
    """``huggingface_hub``'s typed error for an error answer, its body read only so far."""
    import httpx2
    from huggingface_hub.utils import hf_raise_for_status

    body = _read_at_most(response, _MAX_ERROR_BODY)
    copy = httpx2.Response(response.status_code, headers=response.headers, content=body,
                           request=response.request)
    hf_raise_for_status(copy)
    raise HubError(f"HTTP {response.status_code} to a ranged read",  # pragma: no cover
                   status=response.status_code)
