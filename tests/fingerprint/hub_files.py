"""A model folder served by the Hub stand-in, and the bytes the stand-in sent for ranged reads."""

from __future__ import annotations

from pathlib import Path

from tests.lineage.hub_server import HubServer


def contents(folder: Path) -> dict[str, bytes]:
    """The files of ``folder`` a fingerprint reads (JSON and safetensors), by name."""
    return {p.name: p.read_bytes() for p in folder.iterdir()
            if p.is_file() and p.suffix in (".json", ".safetensors")}


def ranged_bytes(hub: HubServer, repo: str | None = None) -> int:
    """Bytes the server sent for file reads (of ``repo``'s files, or every repo's); every
    read must be a 206 range (a 200 sends the whole file)."""
    total = 0
    for request in hub.requests:
        if "/resolve/" not in request.path or request.method != "GET":
            continue
        served, _, rest = request.path.lstrip("/").partition("/resolve/")
        if repo is not None and served != repo:
            continue
        assert request.status == 206, f"not a ranged read: {request.path} {request.status}"
        size = len(hub.repos[served.lower()].contents[rest.partition("/")[2]])
        first, last = request.headers["Range"].removeprefix("bytes=").split("-")
        total += min(int(last), size - 1) - int(first) + 1
    return total
