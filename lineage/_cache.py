"""Disk cache of Hub answers with a time-to-live, so re-crawling a family costs almost nothing.

One SQLite file (``hub-cache.sqlite``) in the cache folder. Keys name the endpoint, whether a
token was used (never the token itself), the kind of request and the repo id; values are our
parsed records as JSON, never raw responses or headers. A damaged cache file is set aside and
rebuilt rather than stopping the crawl.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from auditor.cache import cache_dir

log = logging.getLogger(__name__)

CACHE_SCHEMA_VERSION = 1
DEFAULT_TTL = 24 * 3600.0


def default_cache_dir() -> Path:
    """The ``lineage`` folder under the tool's cache root (``$AUDITOR_CACHE``, else
    ``$XDG_CACHE_HOME/auditor``, else ``~/.cache/auditor``: :mod:`auditor.cache`)."""
    return cache_dir("lineage", create=False)


class ResponseCache:
    """A thread-safe key -> JSON store with per-read TTL checks."""

    def __init__(self, folder: str | Path, ttl: float = DEFAULT_TTL) -> None:
        self.folder = Path(folder)
        self.ttl = ttl
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "hub-cache.sqlite"
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_suffix(f".broken-{int(time.time())}")
            log.warning("lineage cache %s is unreadable (%s); moved to %s", self.path, exc, aside)
            self.path.replace(aside)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS responses "
            "(key TEXT PRIMARY KEY, stored_at REAL NOT NULL, payload TEXT NOT NULL)"
        )
        row = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None or row[0] != str(CACHE_SCHEMA_VERSION):
            db.execute("DELETE FROM responses")
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                (str(CACHE_SCHEMA_VERSION),),
            )
        db.commit()
        return db

    def get(self, key: str) -> Any | None:
        """The stored value if present and younger than the TTL, else None."""
        with self._lock:
            row = self._db.execute(
                "SELECT stored_at, payload FROM responses WHERE key=?", (key,)
            ).fetchone()
        if row is None or time.time() - row[0] > self.ttl:
            self.misses += 1
            return None
        try:
            value = json.loads(row[1])
        except json.JSONDecodeError:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        payload = json.dumps(value, separators=(",", ":"))
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?)", (key, time.time(), payload)
            )
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()
