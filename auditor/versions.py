"""Installed package versions, read from their metadata (nothing is imported)."""

from __future__ import annotations

import importlib.util
from importlib import metadata

__all__ = ["importable_version", "installed_version"]


def installed_version(dist: str) -> str | None:
    """The installed version of the distribution ``dist``, None when it has no metadata."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def importable_version(package: str) -> str | None:
    """The version of ``package`` (its import and distribution names alike) when it can be
    imported, None when it cannot or has no metadata."""
    if importlib.util.find_spec(package) is None:
        return None
    return installed_version(package)
