"""Normalising the dirty ``base_model`` values real model cards hold.

A card's ``base_model`` may be a repo id, a Hub URL, padded with whitespace, in another case,
a local path from the machine that trained the model, or garbage. :func:`normalize_ref` turns
one raw value into a :class:`ParentRef`: a candidate Hub id, or the reason there is none.
Case is resolved later against the Hub (or the known nodes), which knows the canonical id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_HUB_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")
_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>[^/]+)(?P<path>/.*)?$", re.I)
_ID_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_REPO_SUFFIXES = ("tree", "blob", "resolve", "commit", "discussions", "raw")


@dataclass(frozen=True, slots=True)
class ParentRef:
    """One ``base_model`` value: the raw text, the Hub id it names, or why it names none."""

    raw: str
    repo_id: str | None
    problem: str | None = None
    note: str | None = None

    @property
    def describe(self) -> str:
        """``'raw'`` plus how it was cleaned, for evidence details."""
        return f"{self.raw!r} ({self.note})" if self.note else repr(self.raw)


def normalize_ref(raw: Any, extra_hosts: Iterable[str] = ()) -> ParentRef:
    """Clean one raw parent reference.

    ``extra_hosts`` are further hosts whose URLs are Hub URLs (e.g. the configured
    ``HF_ENDPOINT``'s host).
    """
    text = str(raw)
    cleaned = text.strip().strip("\"'").strip()
    notes = []
    if cleaned != text:
        notes.append("whitespace/quotes stripped")
    if not cleaned:
        return ParentRef(text, None, "empty value")
    url = _URL.match(cleaned)
    if url or cleaned.lower().startswith("hf.co/") or cleaned.lower().startswith("huggingface.co/"):
        return _from_url(text, cleaned, notes, tuple(extra_hosts))
    if _looks_local(cleaned):
        return ParentRef(text, None, "a local path (it names a folder on someone's machine)")
    candidate = cleaned.rstrip("/")
    if _valid_id(candidate):
        return ParentRef(text, candidate, None, ", ".join(notes) or None)
    return ParentRef(text, None, "not a Hub repo id")


def _from_url(raw: str, cleaned: str, notes: list[str], extra_hosts: tuple[str, ...]) -> ParentRef:
    match = _URL.match(cleaned if "://" in cleaned else f"https://{cleaned}")
    assert match is not None
    host = match.group("host").lower().split("@")[-1]
    hosts = _HUB_HOSTS + tuple(h.lower() for h in extra_hosts)
    if host not in hosts:
        return ParentRef(raw, None, f"a URL outside the Hub ({host})")
    path = (match.group("path") or "").split("?")[0].split("#")[0].strip("/")
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] == "models":
        parts = parts[1:]
    for i, part in enumerate(parts):
        if part in _REPO_SUFFIXES:
            parts = parts[:i]
            break
    candidate = "/".join(parts[:2])
    if parts and parts[0] in ("datasets", "spaces"):
        return ParentRef(raw, None, f"a Hub URL of a {parts[0][:-1]}, not a model")
    if not _valid_id(candidate):
        return ParentRef(raw, None, "a Hub URL that names no model")
    notes.append("URL")
    return ParentRef(raw, candidate, None, ", ".join(notes))


def _looks_local(value: str) -> bool:
    if value.startswith(("/", "./", "../", "~", ".\\", "..\\")) or "\\" in value:
        return True
    if re.match(r"^[A-Za-z]:[\\/]", value):
        return True
    return value.count("/") >= 2 or value in (".", "..")


def _valid_id(candidate: str) -> bool:
    parts = candidate.split("/")
    if not 1 <= len(parts) <= 2 or len(candidate) > 96:
        return False
    for part in parts:
        if not _ID_PART.match(part) or "--" in part or ".." in part or part.endswith("."):
            return False
    return True


def as_list(value: Any) -> list[str]:
    """A card field that may be a string, a list (possibly with non-strings) or missing."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append(item["name"])
        return out
    return []


__all__ = ["ParentRef", "as_list", "normalize_ref"]
