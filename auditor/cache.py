"""The one cache root of the tool and its sub-folder per use.

Every cache the tool keeps lives under one root, moved by one variable:

- ``AUDITOR_CACHE`` when set, else ``$XDG_CACHE_HOME/auditor``, else ``~/.cache/auditor``;
- one sub-folder per use: ``hashes`` (sha256 of local weights), ``lineage`` (Hub answers),
  ``demo`` (the offline demo family), ``suites``, ``fingerprints``, ...

The variables of earlier releases keep working for now, each with a ``DeprecationWarning``
(and one log line, since warnings of that class are hidden outside tests) naming the
replacement:

- ``AUDITOR_CACHE_DIR=X`` is the root ``X`` (the lineage cache stays in ``X/lineage``, as
  before); ``AUDITOR_CACHE`` wins when both are set.
- ``AUDITOR_DEMO_CACHE=X`` is the demo folder ``X`` itself (not ``X/demo``), as before.

``AUDITOR_CACHE`` itself changes meaning: it used to hold the hash cache file directly and now
is the root, so the hash cache moved to ``<root>/hashes``. Nothing is lost: the hash cache
reads an old ``<root>/sha256.json`` when its new file does not exist yet (see
``auditor.refs._hashing``), and at worst a file is hashed again, since it is only a cache.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from pathlib import Path

from auditor.errors import InputError

log = logging.getLogger(__name__)

ROOT_ENV = "AUDITOR_CACHE"
LEGACY_ROOT_ENV = "AUDITOR_CACHE_DIR"
# use -> the deprecated variable that named that use's folder itself
LEGACY_USE_ENV: dict[str, str] = {"demo": "AUDITOR_DEMO_CACHE"}

_USE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_warned: set[str] = set()


def _env(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def _deprecated(old: str, replacement: str) -> None:
    message = f"{old} is deprecated; set {replacement} instead"
    warnings.warn(message, DeprecationWarning, stacklevel=3)
    if old not in _warned:
        _warned.add(old)
        log.warning("%s", message)


def cache_root() -> Path:
    """``$AUDITOR_CACHE``, else ``$XDG_CACHE_HOME/auditor``, else ``~/.cache/auditor``
    (``$AUDITOR_CACHE_DIR``, deprecated, still names the root when ``AUDITOR_CACHE`` is
    unset). Not created here."""
    explicit = _env(ROOT_ENV)
    if explicit is not None:
        return explicit
    legacy = _env(LEGACY_ROOT_ENV)
    if legacy is not None:
        _deprecated(LEGACY_ROOT_ENV, f"{ROOT_ENV} (the same folder)")
        return legacy
    xdg = _env("XDG_CACHE_HOME")
    return (xdg if xdg is not None else Path.home() / ".cache") / "auditor"


def cache_dir(use: str, *, create: bool = True) -> Path:
    """The folder of one use of the cache (``<root>/<use>``), created unless ``create`` is
    False. Raises :class:`~auditor.errors.InputError` when it cannot be created."""
    if not _USE_RE.match(use):
        raise ValueError(f"cache use {use!r} is not a plain lower-case folder name")
    folder = _legacy_use_dir(use) or cache_root() / use
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot create the cache folder {folder} ({exc.strerror or exc}); "
                f"point {ROOT_ENV} at a writable folder"
            ) from exc
    return folder


def cache_variable(use: str | None = None) -> str:
    """The variable that decides where ``use``'s folder (or the root) is: the deprecated one
    when it is what is in effect, else ``AUDITOR_CACHE``."""
    legacy = LEGACY_USE_ENV.get(use or "")
    if legacy and os.environ.get(legacy):
        return legacy
    if not os.environ.get(ROOT_ENV) and os.environ.get(LEGACY_ROOT_ENV):
        return LEGACY_ROOT_ENV
    return ROOT_ENV


def _legacy_use_dir(use: str) -> Path | None:
    name = LEGACY_USE_ENV.get(use)
    folder = _env(name) if name else None
    if name and folder is not None:
        _deprecated(name, f"{ROOT_ENV} (the folder becomes {ROOT_ENV}/{use})")
    return folder


__all__ = ["LEGACY_ROOT_ENV", "LEGACY_USE_ENV", "ROOT_ENV", "cache_dir", "cache_root",
           "cache_variable"]
