"""Parse the one model-reference syntax into a :class:`ParsedReference` (no I/O but stat)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import ModelReferenceError
from auditor.safeio import path_exists

SYNTAX_HELP = (
    "a model reference is one of: a local HF folder (./my-model), a local GGUF file "
    "(./model-Q4_K_M.gguf), a Hub repo (org/name or org/name@revision), a GGUF file in a Hub "
    "repo (org/name-GGUF:Q4_K_M or org/name-GGUF:file.gguf), or an OpenAI-compatible server "
    "(openai:http://host:8000/v1#model-name)"
)

MAX_REFERENCE = 4096  # characters: longer than any path the OS opens (PATH_MAX)
_REPO_PART = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_HUB = re.compile(
    rf"^(?P<repo>{_REPO_PART}/{_REPO_PART})(?:@(?P<rev>[A-Za-z0-9._/-]+?))?"
    r"(?::(?P<sel>[A-Za-z0-9._/-]+))?$"
)


@dataclass(frozen=True, slots=True)
class ParsedReference:
    """The parts of a reference. ``kind`` is ``local``, ``hub`` or ``openai``."""

    text: str
    kind: str
    path: Path | None = None  # local
    selector: str | None = None  # ":Q4_K_M" or ":file.gguf" (local folder or Hub repo)
    repo_id: str | None = None  # hub
    revision: str | None = None  # hub
    base_url: str | None = None  # openai
    model: str | None = None  # openai


def parse_reference(text: str) -> ParsedReference:
    """Parse a reference; raise :class:`ModelReferenceError` saying what is wrong with it."""
    ref = text.strip()
    if not ref:
        raise ModelReferenceError(f"empty model reference: {SYNTAX_HELP}")
    if ref.startswith("openai:"):
        return _parse_openai(ref)
    local = _parse_local(ref)
    if local is not None:
        return local
    match = _HUB.match(ref)
    if match is None:
        raise ModelReferenceError(
            f"{ref!r} is neither an existing local path nor a Hub reference: {SYNTAX_HELP}"
        )
    return ParsedReference(
        text=ref,
        kind="hub",
        repo_id=match["repo"],
        revision=match["rev"],
        selector=match["sel"],
    )


def _parse_openai(ref: str) -> ParsedReference:
    rest = ref[len("openai:") :]
    base_url, sep, model = rest.rpartition("#")
    if not sep or not base_url or not model:
        raise ModelReferenceError(
            f"{ref!r}: an OpenAI-compatible reference is openai:BASE_URL#model, e.g. "
            "openai:http://127.0.0.1:8000/v1#my-model"
        )
    if not re.match(r"^https?://[^\s/]+", base_url):
        raise ModelReferenceError(f"{ref!r}: BASE_URL must start with http:// or https://")
    return ParsedReference(
        text=ref, kind="openai", base_url=base_url.rstrip("/"), model=model
    )


def _looks_local(ref: str) -> bool:
    return (
        ref.startswith(("/", "./", "../", "~", ".\\"))
        or ref in (".", "..")
        or (ref.lower().endswith(".gguf") and _HUB.match(ref) is None)
        or "\\" in ref
    )


def _expand(text: str) -> Path:
    """``~`` and ``~user`` expanded where they can be (an unknown user stays literal)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)


def _parse_local(ref: str) -> ParsedReference | None:
    """A local path (optionally ``PATH:selector`` for a GGUF in a folder), or None."""
    if "\0" in ref or len(ref) > MAX_REFERENCE:
        what = "holds a NUL byte" if "\0" in ref else f"is {len(ref)} characters long"
        shown = repr(ref[:200]) + ("..." if len(ref) > 200 else "")
        raise ModelReferenceError(
            f"{shown}: a model reference {what} (at most {MAX_REFERENCE} characters, no NUL)"
        )
    path = _expand(ref)
    if path_exists(path):
        return ParsedReference(text=ref, kind="local", path=path)
    head, sep, selector = ref.rpartition(":")
    if sep and head and selector and "/" not in selector:
        folder = _expand(head)
        if path_exists(folder) and folder.is_dir():
            return ParsedReference(text=ref, kind="local", path=folder, selector=selector)
    if _looks_local(ref):
        raise ModelReferenceError(f"no such file or folder: {ref} ({path.resolve()})")
    return None
