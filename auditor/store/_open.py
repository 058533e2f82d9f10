"""Opening a results store without ever harming what is at its path.

Why: the store holds hours of generations. Opening used to run the schema DDL on whatever
file it was given, so a different SQLite database silently gained our tables, an empty or
truncated file was re-created as a fresh store, and a store with an unreadable version
crashed with a traceback. The rules now:

- A path that does not exist becomes a new store atomically: the schema is written into a
  temporary file beside it, which is then hard-linked into place (never over a file that
  appeared meanwhile). So a store path holds either nothing or a complete store.
- An existing path is opened only if it already is a results store of this schema version:
  a regular, non-empty file with the SQLite header, the ``meta``, ``generations`` and
  ``verdicts`` tables and their columns. Anything else (a folder, random bytes, a truncated
  or malformed file, another SQLite database, another schema version) is a
  :class:`~auditor.errors.StoreError` naming the path, raised before anything is written:
  the file's bytes stay as they were. Nothing is ever re-created. The one exception to
  "this schema version": a version 1 store (before conditions and turns) is migrated in one
  transaction on its first writable open, and read as if migrated by a read-only open
  (``_migrate.py``).
- A writable open also refuses a store whose file or folder has no write permission (mode
  bits are honoured even for root; SQLite needs the folder for its ``-wal``/``-shm``
  files), and one whose write lock another writer holds past the busy timeout. Read-only
  opens (``results``, ``report``, ``compare``) use SQLite's ``mode=ro`` and work on a
  read-only store and beside a running writer (WAL readers do not wait for writers).
- An existing store's journal mode is left as it is (stores are created in WAL mode).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from auditor.errors import StoreError
from auditor.store._migrate import migrate_v1, read_v1_as_v2
from auditor.store._schema import (
    DDL,
    GENERATION_COLUMNS,
    GENERATIONS_V1_COLUMNS,
    SCHEMA_VERSION,
    VERDICT_COLUMNS,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
_TABLES = {"generations": ("id", *GENERATION_COLUMNS), "verdicts": ("id", *VERDICT_COLUMNS)}
_V1_TABLES = _TABLES | {"generations": ("id", *GENERATIONS_V1_COLUMNS)}
MIGRATED_FROM = 1  # the older schema_version a writable open migrates


def open_connection(path: Path, *, readonly: bool, timeout: float) -> sqlite3.Connection:
    """A connection to the store at ``path`` (created if missing and not ``readonly``)."""
    if not path.exists():
        if path.is_symlink():
            raise StoreError(f"{path} is a symlink to a missing file, not a results store")
        if readonly:
            raise StoreError(f"no results store at {path}: run `auditor eval` first")
        _create(path, timeout)
    _check_file(path, readonly)
    # A read-only connection cannot remove the -wal/-shm files SQLite creates for a WAL-mode
    # file; when the file turns out not to be a usable store, the ones it created go again.
    sidecars = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    created = [p for p in sidecars if not p.exists()] if readonly else []
    try:
        if readonly:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout)
        else:
            conn = sqlite3.connect(path, check_same_thread=False, timeout=timeout)
    except sqlite3.Error as exc:
        raise store_error(path, exc) from exc
    try:
        version = _check_schema(conn, path)
        if version == MIGRATED_FROM:
            _upgrade(conn, path, readonly)
        if not readonly:
            _prepare_writer(conn, path)
    except BaseException:
        conn.close()
        for leftover in created:
            if leftover.exists() and (leftover.name.endswith("-shm") or not
                                      leftover.stat().st_size):
                leftover.unlink(missing_ok=True)
        raise
    return conn


def store_error(path: Path, exc: Exception, doing: str = "") -> StoreError:
    """A one-line :class:`StoreError` for an SQLite error on the store at ``path`` (SQLite
    quotes a damaged schema's text, newlines and all)."""
    text = " ".join(str(exc).split())
    where = f" ({doing})" if doing else ""
    if "locked" in text or "busy" in text:
        return StoreError(
            f"the results store {path} is locked by another writer{where}: {text}; wait for "
            "it to finish, or use another --store"
        )
    if "readonly" in text or "read-only" in text:
        return StoreError(f"the results store {path} is read-only{where}: {text}")
    return StoreError(f"{path} is not a usable results store{where}: {text}")


def _check_file(path: Path, readonly: bool) -> None:
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise StoreError(f"{path} is a folder, not a results store (give the store's file)")
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{path} is not a regular file, not a results store")
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"cannot read the results store {path}: {exc.strerror or exc}") from exc
    if not head:
        raise StoreError(
            f"{path} is empty, not a results store (left as it is; delete it to start a new one)"
        )
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not a usable results store: not an SQLite database")
    if readonly:
        return
    if not _writable(path):
        raise StoreError(
            f"the results store {path} is read-only: commands that only read it (results, "
            "report, compare) work; writing needs a writable store"
        )
    if not _writable(path.parent):
        raise StoreError(
            f"the folder of the results store {path} is read-only: SQLite needs to create the "
            "store's -wal and -shm files beside it"
        )


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """True when the store has table ``name`` (a store written before the additive ``harm``,
    ``tool_calls`` or ``action`` table lacks it until its first row of that kind)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _writable(path: Path) -> bool:
    """Write permission by the mode bits (honoured even for root) and for this user."""
    return bool(path.stat().st_mode & 0o222) and os.access(path, os.W_OK)


def _upgrade(conn: sqlite3.Connection, path: Path, readonly: bool) -> None:
    """A version 1 store: migrated (writable) or read through a view (read-only)."""
    try:
        if readonly:
            read_v1_as_v2(conn)
        else:
            migrate_v1(conn, path)
    except sqlite3.Error as exc:
        raise store_error(path, exc, f"migrating it to schema_version {SCHEMA_VERSION}") from exc


def _check_schema(conn: sqlite3.Connection, path: Path) -> int:
    """The store's schema_version, once its tables are checked for that version."""
    try:
        tables = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "meta" not in tables:
            raise StoreError(f"{path} is not a results store (an SQLite database without "
                             "its meta table; left as it is)")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            raise StoreError(f"{path} is not a results store (no schema_version)")
        version = _check_version(path, row[0])
        expected = _V1_TABLES if version == MIGRATED_FROM else _TABLES
        for table, columns in expected.items():
            present = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            missing = [c for c in columns if c not in present]
            if missing:
                raise StoreError(
                    f"{path} is not a results store of schema_version {version}: "
                    f"table {table} lacks {', '.join(missing)}"
                )
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise store_error(path, exc) from exc
    return version


def _check_version(path: Path, value: object) -> int:
    try:
        version = int(str(value))
    except ValueError:
        raise StoreError(f"{path} has an unreadable store schema_version {value!r}") from None
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} has store schema_version {version}; this auditor reads up to "
            f"{SCHEMA_VERSION}: upgrade supply-chain-auditor"
        )
    if version < MIGRATED_FROM:
        raise StoreError(
            f"{path} has store schema_version {version}, which this auditor cannot read "
            f"(it reads {MIGRATED_FROM} to {SCHEMA_VERSION}); the store was left as it is"
        )
    return version


def _prepare_writer(conn: sqlite3.Connection, path: Path) -> None:
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            # NORMAL, not FULL: in WAL mode a commit is appended to the WAL before it
            # returns and the WAL is fsynced at checkpoints, so a process that crashes
            # or is killed (the case resumability is for) loses no committed row. Only
            # an OS crash or power loss can drop the last transactions, which a re-run
            # then regenerates. FULL fsyncs on every commit, and the store commits each
            # row (see bench/report_build.py for the fill time).
            conn.execute("PRAGMA synchronous = NORMAL")
        # Take the write lock once and give it back: another writer holding it past the
        # busy timeout is reported now, not after the model has loaded.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise store_error(path, exc, "opening it for writing") from exc


def _create(path: Path, timeout: float) -> None:
    """A new, complete store at ``path``, or nothing (see the module docstring)."""
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
        os.close(fd)
        conn = sqlite3.connect(tmp, timeout=timeout)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(
                f"BEGIN;\n{DDL}\nINSERT INTO meta (key, value) VALUES "
                f"('schema_version', '{SCHEMA_VERSION}');\nCOMMIT;"
            )
        finally:
            conn.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as SQLite itself would have created it
        _publish(Path(tmp), path)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot create the results store {path}: {exc}") from exc
    except OSError as exc:
        raise StoreError(
            f"cannot create the results store {path}: {exc.strerror or exc}"
        ) from exc
    finally:
        if tmp:
            for leftover in (tmp, f"{tmp}-wal", f"{tmp}-shm", f"{tmp}-journal"):
                Path(leftover).unlink(missing_ok=True)


def _publish(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` unless a file appeared there meanwhile (then keep it)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        return
    except OSError:  # a file system without hard links
        if not path.exists():
            os.replace(tmp, path)
