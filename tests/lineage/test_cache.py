"""The response cache: TTL, schema reset, damaged files set aside."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lineage._cache import ResponseCache, default_cache_dir


def test_roundtrip_and_ttl(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, ttl=3600)
    cache.put("k", {"models": [1, 2]})
    assert cache.get("k") == {"models": [1, 2]} and cache.hits == 1
    assert cache.get("other") is None and cache.misses == 1
    cache.ttl = -1
    assert cache.get("k") is None
    cache.close()


def test_other_schema_version_is_emptied(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    cache.put("k", 1)
    cache.close()
    db = sqlite3.connect(tmp_path / "hub-cache.sqlite")
    db.execute("UPDATE meta SET value='0' WHERE key='schema_version'")
    db.commit()
    db.close()
    assert ResponseCache(tmp_path).get("k") is None


def test_damaged_file_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "hub-cache.sqlite").write_bytes(b"garbage" * 200)
    cache = ResponseCache(tmp_path)
    cache.put("k", 1)
    assert cache.get("k") == 1
    assert list(tmp_path.glob("hub-cache.broken-*"))


def test_default_dir_follows_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "a"))
    assert default_cache_dir() == tmp_path / "a" / "lineage"
    monkeypatch.delenv("AUDITOR_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x" / "auditor" / "lineage"
