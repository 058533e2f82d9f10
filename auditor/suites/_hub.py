"""Fetching a suite file from a Hugging Face Hub dataset repository.

Reference syntax: ``hf:ORG/NAME[@REVISION][:PATH/IN/REPO]`` (the ``hf:`` prefix may be left out
when no local file of that name exists). Without a path the dataset must hold exactly one
data file (CSV, TSV, JSONL, JSON or Parquet); otherwise the error lists them to choose from.

Requests go through :mod:`auditor.hub`, so the Hub's answers keep their types (a gated dataset
is a ``GatedRepoError``, a missing one a ``RepoNotFoundError``); only a Hub that cannot be
reached (and no cached copy) becomes a ``SuiteError`` advising to pass a local file.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from auditor.backoff import RetryPolicy
from auditor.errors import HubError, SuiteError
from auditor.hub import check_repo_file, hub_api, hub_request, is_unreachable, resolve_endpoint
from auditor.suites._rows import TABULAR_SUFFIXES

log = logging.getLogger(__name__)

HUB_REF_RE = re.compile(
    r"^(?:hf:)?(?P<repo>[A-Za-z0-9][\w.-]*/[\w.-]+)(?:@(?P<rev>[\w./-]+?))?(?::(?P<file>.+))?$"
)
_POLICY = RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=10.0)


@dataclass(frozen=True, slots=True)
class HubRef:
    """A parsed Hub dataset reference."""

    repo: str
    revision: str | None
    file: str | None


def parse_hub_ref(ref: str) -> HubRef | None:
    """The parts of ``hf:ORG/NAME[@REV][:FILE]``, or None when ``ref`` is not one."""
    match = HUB_REF_RE.match(ref)
    if not match:
        return None
    return HubRef(match["repo"], match["rev"], match["file"])


@dataclass(frozen=True, slots=True)
class FetchedFile:
    """A dataset file downloaded (or found in the cache) with the commit it came from."""

    path: Path
    repo: str
    revision: str
    file: str

    @property
    def source(self) -> str:
        return f"hf:{self.repo}@{self.revision}:{self.file}"


def fetch_dataset_file(ref: HubRef, *, cache_dir: Path | None = None) -> FetchedFile:
    """Download the data file named by ``ref`` into the Hub cache (or ``cache_dir``).

    The endpoint honours ``HF_ENDPOINT`` at call time; the token is the client's own. When the
    Hub cannot be reached and ``ref`` names a file already in the cache, the cached copy is used
    (its commit sha is still recorded).
    """
    from huggingface_hub import hf_hub_download

    endpoint = resolve_endpoint()
    api = hub_api(endpoint)
    try:
        info = hub_request(
            lambda: api.dataset_info(ref.repo, revision=ref.revision),
            policy=_POLICY, what=f"dataset {ref.repo}",
        )
        sha = info.sha or ref.revision or "main"
        files = [s.rfilename for s in (info.siblings or [])]
        filename = check_repo_file(_choose_file(ref, files), f"dataset {ref.repo}",
                                   error=SuiteError)
        local = hub_request(
            lambda: hf_hub_download(
                ref.repo, filename, repo_type="dataset", revision=sha, endpoint=endpoint,
                cache_dir=cache_dir,
            ),
            policy=_POLICY, what=f"dataset {ref.repo}: download of {filename}",
        )
    except HubError as exc:
        if not is_unreachable(exc):
            raise  # an answer about the dataset: gated, missing, no such revision or file
        cached = _from_cache(ref, cache_dir)
        if cached is None:
            raise _unreachable(exc, ref) from exc
        log.warning("Hub unreachable (%s); using the cached %s", type(exc).__name__, cached.source)
        return cached
    log.info("fetched %s/%s at %s", ref.repo, filename, sha)
    return FetchedFile(Path(local), ref.repo, sha, filename)


def _from_cache(ref: HubRef, cache_dir: Path | None) -> FetchedFile | None:
    """The cached copy of ``ref``'s file, or None.

    With a revision, the client's own cache lookup; without one, the newest cached snapshot
    holding the file (downloads are pinned to a commit sha, so no ``main`` ref is cached).
    """
    if ref.file is None:
        return None
    from huggingface_hub import constants, hf_hub_download

    local: Path | None = None
    if ref.revision is not None:
        try:
            local = Path(hf_hub_download(
                ref.repo, ref.file, repo_type="dataset", revision=ref.revision,
                cache_dir=cache_dir, local_files_only=True,
            ))
        except Exception:  # not cached (LocalEntryNotFoundError and friends)
            return None
    else:
        root = Path(cache_dir or constants.HF_HUB_CACHE)
        snapshots = root / f"datasets--{ref.repo.replace('/', '--')}" / "snapshots"
        found = [d / ref.file for d in snapshots.glob("*") if (d / ref.file).is_file()]
        if not found:
            return None
        local = max(found, key=lambda p: p.stat().st_mtime)
    parts = local.parts
    sha = parts[parts.index("snapshots") + 1] if "snapshots" in parts else ref.revision or "main"
    return FetchedFile(local, ref.repo, sha, ref.file)


def _choose_file(ref: HubRef, files: list[str]) -> str:
    if ref.file is not None:
        if ref.file not in files:
            raise SuiteError(
                f"dataset {ref.repo} has no file {ref.file!r}; it has {sorted(files)[:30]}"
            )
        return ref.file
    data = sorted(f for f in files if f.lower().endswith(TABULAR_SUFFIXES))
    if len(data) == 1:
        return data[0]
    if not data:
        raise SuiteError(
            f"dataset {ref.repo} has no CSV/TSV/JSONL/JSON/Parquet file to read as a suite"
        )
    listing = ", ".join(data[:20]) + (" ..." if len(data) > 20 else "")
    raise SuiteError(
        f"dataset {ref.repo} has {len(data)} data files; pick one with "
        f"hf:{ref.repo}:FILE (files: {listing})"
    )


def _unreachable(exc: HubError, ref: HubRef) -> SuiteError:
    """The Hub gave no answer and no copy is cached: say how to go on without it."""
    offline = os.environ.get("HF_HUB_OFFLINE", "").upper() in ("1", "ON", "YES", "TRUE")
    if offline:
        return SuiteError(
            f"cannot fetch dataset {ref.repo}: Hub access is switched off (HF_HUB_OFFLINE); "
            "download the file elsewhere and pass its path"
        )
    return SuiteError(
        f"cannot reach the Hub to fetch dataset {ref.repo} ({_short(exc)}); "
        "check the network (or HF_ENDPOINT), or download the file and pass its path"
    )


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text[:300]
