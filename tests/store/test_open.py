"""Opening a store never harms what is at its path: corrupt, foreign, locked, read-only files
and folders are a one-line StoreError, and the file's bytes (and its folder) stay as they were."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from auditor.errors import StoreError
from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.store import SCHEMA_VERSION, Store
from tests.store.test_sqlite import record


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a real, closed store with 40 generations and a verdict on each."""
    path = tmp_path_factory.mktemp("real") / "audit.db"
    with Store(path) as store:
        for i in range(40):
            gid = store.put_generation(record(item_id=f"i{i}", item_hash=f"h{i}",
                                              response="an answer " * 40))
            store.put_verdict(gid, JudgedVerdict(Verdict.REFUSAL, "heuristic@1", "r"))
    assert sorted(p.name for p in path.parent.iterdir()) == ["audit.db"]  # WAL checkpointed
    return path.read_bytes()


def _snapshot(folder: Path) -> dict[str, str]:
    """Every entry of the folder with the sha256 of its bytes ("dir" for folders)."""
    return {
        p.name: "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
    }


def _refused(path: Path, match: str, **kwargs: float) -> None:
    """Both a writable and a read-only open fail with ``match``; nothing changes on disk."""
    before = _snapshot(path.parent)
    for readonly in (False, True):
        with pytest.raises(StoreError, match=match) as info:
            Store(path, readonly=readonly, **kwargs)
        assert "\n" not in str(info.value) and str(path) in str(info.value)
        assert _snapshot(path.parent) == before, f"readonly={readonly} changed the folder"


def _write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "audit.db"
    path.write_bytes(content)
    return path


def _edit(tmp_path: Path, real: bytes, sql: str, *args: str) -> Path:
    path = _write(tmp_path, real)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, args)
    conn.close()
    return path


def test_random_bytes(tmp_path: Path) -> None:
    _refused(_write(tmp_path, random.Random(1).randbytes(8192)), "not a usable results store")


def test_empty_file_is_not_re_created(tmp_path: Path) -> None:
    _refused(_write(tmp_path, b""), "is empty, not a results store")


@pytest.mark.parametrize("keep", [10, 16, 60, 100, 4096, 3 * 4096 + 7, 0.5])
def test_truncated_store(tmp_path: Path, real_store: bytes, keep: float) -> None:
    cut = int(len(real_store) * keep) if isinstance(keep, float) else int(keep)
    _refused(_write(tmp_path, real_store[:cut]), "not a usable results store")


def test_a_different_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    _refused(path, "not a results store .*without its meta table")
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
    conn.close()
    assert tables == ["notes"]  # never gained our tables


@pytest.mark.parametrize(
    ("value", "match"),
    [("3", "schema_version 3; this auditor reads up to 2: upgrade"),
     ("0", "schema_version 0, which this auditor cannot read"),
     ("one", "unreadable store schema_version 'one'")],
)
def test_wrong_schema_version(tmp_path: Path, real_store: bytes, value: str, match: str
                              ) -> None:
    path = _edit(tmp_path, real_store, "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                 value)
    _refused(path, match)


def test_missing_schema_version_or_column(tmp_path: Path, real_store: bytes) -> None:
    _refused(_edit(tmp_path, real_store, "DELETE FROM meta"), "no schema_version")
    other = tmp_path / "other"
    other.mkdir()
    path = _edit(other, real_store, "ALTER TABLE verdicts DROP COLUMN trace_json")
    _refused(path, "table verdicts lacks trace_json")


def test_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "audit.db"
    folder.mkdir()
    (folder / "keep.txt").write_text("x")
    _refused(folder, "is a folder, not a results store")
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    changed: list[tuple[Path, int]] = []

    def make(path: Path) -> None:
        changed.append((path, path.stat().st_mode))
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)

    yield make
    for path, mode in reversed(changed):
        path.chmod(mode)


def test_read_only_file_is_refused_for_writing_and_read_as_it_is(
    tmp_path: Path, real_store: bytes, read_only: Callable[[Path], None]
) -> None:
    path = _write(tmp_path, real_store)
    read_only(path)  # mode bits are honoured even when the tests run as root
    before = path.read_bytes()
    with pytest.raises(StoreError, match="is read-only: commands that only read it"):
        Store(path)
    with Store(path, readonly=True) as store:
        assert store.count_generations() == 40
    assert path.read_bytes() == before


def test_read_only_folder_is_refused_for_writing(
    tmp_path: Path, real_store: bytes, read_only: Callable[[Path], None]
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = _write(folder, real_store)
    read_only(folder)
    with pytest.raises(StoreError, match="folder of the results store .* is read-only"):
        Store(path)
    assert path.read_bytes() == real_store
    assert [p.name for p in folder.iterdir()] == ["audit.db"]


def test_locked_by_another_writer(tmp_path: Path, real_store: bytes) -> None:
    path = _write(tmp_path, real_store)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another auditor mid-transaction, in WAL mode
    try:
        with pytest.raises(StoreError, match="locked by another writer"):
            Store(path, timeout=0.1)
        with Store(path, readonly=True, timeout=0.1) as reader:  # readers never wait
            assert reader.count_generations() == 40
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert path.read_bytes() == real_store


def test_exclusively_locked(tmp_path: Path, real_store: bytes) -> None:
    path = _write(tmp_path, real_store)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO meta VALUES ('held', 'by another process')")
    try:
        for readonly in (False, True):
            with pytest.raises(StoreError, match="locked by another writer"):
                Store(path, readonly=readonly, timeout=0.1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert path.read_bytes() == real_store


def test_a_lock_taken_after_opening_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    with Store(path, timeout=0.1) as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="locked by another writer .writing."):
                store.put_generation(record())
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.put_generation(record()) > 0  # and it works once the lock is gone


def test_a_new_store_appears_whole_and_alone(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "audit.db"
    with Store(path) as store:
        assert store.count_generations() == 0
    assert sorted(p.name for p in path.parent.iterdir()) == ["audit.db"]  # no temp files
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT value FROM meta").fetchone()[0] == str(SCHEMA_VERSION)
    conn.close()


def test_an_existing_store_is_opened_not_rewritten(tmp_path: Path, real_store: bytes) -> None:
    path = _write(tmp_path, real_store)
    with Store(path) as store:
        assert store.count_generations() == 40
    with Store(path, readonly=True) as store:
        assert len(store.verdicts()) == 40
    assert path.read_bytes() == real_store


def test_symlink_and_hard_link_to_a_store_open_it(tmp_path: Path, real_store: bytes) -> None:
    path = _write(tmp_path, real_store)
    link, hard = tmp_path / "link.db", tmp_path / "hard.db"
    link.symlink_to(path)
    os.link(path, hard)
    for alias in (link, hard):
        with Store(alias, readonly=True) as store:
            assert store.count_generations() == 40
    dangling = tmp_path / "dangling.db"
    dangling.symlink_to(tmp_path / "nowhere.db")
    with pytest.raises(StoreError, match="symlink to a missing file"):
        Store(dangling)
    assert not (tmp_path / "nowhere.db").exists()


def test_missing_store_read_only(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no results store"):
        Store(tmp_path / "none.db", readonly=True)
    assert not (tmp_path / "none.db").exists()
    shutil.rmtree(tmp_path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
