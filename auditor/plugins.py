"""Third-party plug-ins (entry points), loaded one way by every registry (backends, judges).

A broken plug-in must not break the tool: loading a group warns once with the plug-in's name,
its target and the error, records it (:func:`broken_plugins`, which ``auditor doctor``
lists), and leaves it out. Asking for a broken plug-in by name is the caller's clear error
(:func:`plugin_failure` gives the reason), never "unknown name". A plug-in counts as broken
when importing it raises or when what it names is not callable (every registry wants a
factory).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from importlib.metadata import entry_points

log = logging.getLogger(__name__)

BACKEND_PLUGINS = "auditor.backends"  # factories (ResolvedModel, BackendOptions) -> Backend
JUDGE_PLUGINS = "auditor.judges"  # zero-argument factories -> Judge
PLUGIN_GROUPS = (BACKEND_PLUGINS, JUDGE_PLUGINS)


@dataclass(frozen=True, slots=True)
class BrokenPlugin:
    """An entry point that could not be used, and why."""

    group: str  # e.g. "auditor.backends"
    name: str
    target: str  # the entry point's "module:attr"
    error: str

    def describe(self) -> str:
        """One line: which plug-in, what it points at, and what went wrong."""
        return f"plug-in {self.name!r} ({self.target}) of {self.group} is broken: {self.error}"


_BROKEN: dict[tuple[str, str], BrokenPlugin] = {}


def load_plugins(
    group: str, *, names: Collection[str] | None = None, skip: Collection[str] = ()
) -> dict[str, Callable[..., object]]:
    """The callables the entry points of ``group`` name (only ``names`` when given, never
    those in ``skip``); broken ones are warned about, recorded and left out."""
    loaded: dict[str, Callable[..., object]] = {}
    found = entry_points(group=group)
    if names is None:  # a full scan: a plug-in uninstalled since is no longer broken
        for key in [k for k in _BROKEN if k[0] == group and k[1] not in found.names]:
            del _BROKEN[key]
    for ep in found:
        if ep.name in skip or (names is not None and ep.name not in names):
            continue
        try:
            target = ep.load()
        except Exception as exc:  # any failure of third-party code: the plug-in is broken
            _record(BrokenPlugin(group, ep.name, ep.value, f"{type(exc).__name__}: {exc}"))
            continue
        if not callable(target):
            _record(BrokenPlugin(group, ep.name, ep.value, "it names no callable factory"))
            continue
        _BROKEN.pop((group, ep.name), None)
        loaded[ep.name] = target
    return loaded


def plugin_names(group: str) -> set[str]:
    """Names the entry points of ``group`` declare (nothing is imported)."""
    return {ep.name for ep in entry_points(group=group)}


def plugin_failure(group: str, name: str) -> BrokenPlugin | None:
    """Why plug-in ``name`` of ``group`` failed to load, if it did (after a load attempt)."""
    return _BROKEN.get((group, name))


def broken_plugins(group: str | None = None) -> tuple[BrokenPlugin, ...]:
    """Every plug-in found broken so far (of ``group`` when given), sorted by group and name."""
    found = (b for b in _BROKEN.values() if group is None or b.group == group)
    return tuple(sorted(found, key=lambda b: (b.group, b.name)))


def check_plugins() -> tuple[BrokenPlugin, ...]:
    """Load every plug-in of every group (what ``auditor doctor`` does); the broken ones."""
    for group in PLUGIN_GROUPS:
        load_plugins(group)
    return broken_plugins()


def _record(broken: BrokenPlugin) -> None:
    if (broken.group, broken.name) not in _BROKEN:
        log.warning("%s; it is left out", broken.describe())
    _BROKEN[(broken.group, broken.name)] = broken


__all__ = [
    "BACKEND_PLUGINS",
    "JUDGE_PLUGINS",
    "PLUGIN_GROUPS",
    "BrokenPlugin",
    "check_plugins",
    "broken_plugins",
    "load_plugins",
    "plugin_failure",
    "plugin_names",
]
