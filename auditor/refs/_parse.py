"""Parse the one model-reference syntax into a :class:`ParsedReference` (no I/O but stat)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

from auditor.errors import ModelReferenceError
from auditor.redact import MASK, is_secret_query_key, redact
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
class RemoteCredentials:
    """The credential an ``openai:`` reference carried: ``user:password@`` or a token query
    parameter (``api_key``, ``token``, ...). Sent as the ``Authorization`` header (Basic or
    Bearer); never part of a URL, key, identity, message or ``repr``."""

    username: str = ""
    password: str = ""
    token: str = ""

    def auth_headers(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        pair = f"{self.username}:{self.password}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}

    def __repr__(self) -> str:
        kind = "token" if self.token else "user:password"
        return f"RemoteCredentials({kind}={MASK})"


@dataclass(frozen=True, slots=True)
class ParsedReference:
    """The parts of a reference. ``kind`` is ``local``, ``hub`` or ``openai``.

    For ``openai`` references, ``text`` is the reference with its credential masked
    (``user:***@``, ``api_key=***``), ``base_url`` carries no credential at all, and the
    credential itself is ``credentials``.
    """

    text: str
    kind: str
    path: Path | None = None  # local
    selector: str | None = None  # ":Q4_K_M" or ":file.gguf" (local folder or Hub repo)
    repo_id: str | None = None  # hub
    revision: str | None = None  # hub
    base_url: str | None = None  # openai
    model: str | None = None  # openai
    credentials: RemoteCredentials | None = field(default=None, repr=False, compare=False)


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
            f"{redact(ref)!r} is neither an existing local path nor a Hub reference: "
            f"{SYNTAX_HELP}"
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
            f"{redact(ref)!r}: an OpenAI-compatible reference is openai:BASE_URL#model, e.g. "
            "openai:http://127.0.0.1:8000/v1#my-model"
        )
    if not re.match(r"^https?://[^\s/]+", base_url):
        raise ModelReferenceError(
            f"{redact(ref)!r}: BASE_URL must start with http:// or https://"
        )
    clean, shown, credentials = _split_credentials(base_url, ref)
    text = ref if shown is None else f"openai:{shown}#{model}"
    return ParsedReference(
        text=text, kind="openai", base_url=clean, model=model, credentials=credentials
    )


def _split_credentials(
    url: str, ref: str
) -> tuple[str, str | None, RemoteCredentials | None]:
    """``(url without credential, url with it masked, the credential)``.

    The path loses its trailing ``/``; query parameters that are not credentials stay. The
    masked url is None when the url held no credential (the reference is shown as typed).
    """
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise ModelReferenceError(f"{redact(ref)!r}: BASE_URL is not a URL ({exc})") from None
    userinfo, at, host = parts.netloc.rpartition("@")
    kept, masked, tokens = [], [], []
    for segment in parts.query.split("&") if parts.query else []:
        name, _, value = segment.partition("=")
        if is_secret_query_key(unquote_plus(name)):
            masked.append(f"{name}={MASK}")
            if value:
                tokens.append(unquote_plus(value))
        else:
            kept.append(segment)
            masked.append(segment)
    user, colon, password = userinfo.partition(":")
    if len(set(tokens)) > 1 or (tokens and at):
        raise ModelReferenceError(
            f"{redact(ref)!r}: give the server's credential once (user:password@ or one "
            "token query parameter)"
        )
    credentials = None
    if tokens:
        credentials = RemoteCredentials(token=tokens[0])
    elif at:
        credentials = RemoteCredentials(username=unquote(user), password=unquote(password))
    path = parts.path.rstrip("/")
    clean = urlunsplit((parts.scheme, host, path, "&".join(kept), ""))
    if not at and masked == kept:
        return clean, None, credentials
    who = "" if not at else (f"{user}:{MASK}@" if colon else f"{MASK}@")
    shown = urlunsplit((parts.scheme, who + host, path, "&".join(masked), ""))
    return clean, shown, credentials


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
        shown = repr(redact(ref[:200])) + ("..." if len(ref) > 200 else "")
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
        raise ModelReferenceError(f"no such file or folder: {redact(ref)} ({path.resolve()})")
    return None
