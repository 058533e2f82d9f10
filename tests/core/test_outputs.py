"""``auditor.outputs``: an output never is an input (same file by st_dev/st_ino, or by resolved
path when it does not exist yet), and every write is atomic."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from auditor.errors import OutputError
from auditor.outputs import atomic_open, atomic_write_text, check_outputs, store_inputs


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "audit.db"
    path.write_bytes(b"SQLite format 3\x00 and the rest")
    return path


def test_the_store_itself_its_aliases_and_its_sqlite_files_are_refused(
    tmp_path: Path, store: Path
) -> None:
    link, hard = tmp_path / "link.jsonl", tmp_path / "hard.jsonl"
    link.symlink_to(store)
    os.link(store, hard)
    aliases = [store, link, hard, tmp_path / "sub" / ".." / "audit.db",
               tmp_path / "audit.db-wal", tmp_path / "audit.db-shm"]
    for alias in aliases:
        with pytest.raises(OutputError, match=r"refusing to write .*: it is the store"):
            check_outputs([alias], store_inputs(store))
    assert store.read_bytes() == b"SQLite format 3\x00 and the rest"


def test_paths_that_do_not_exist_yet_compare_by_where_they_would_be(tmp_path: Path) -> None:
    (tmp_path / "out").symlink_to(tmp_path / "real-out", target_is_directory=True)
    future_store = tmp_path / "real-out" / "report.json"
    with pytest.raises(OutputError, match="it is the store"):
        check_outputs([tmp_path / "out" / "report.json"], store_inputs(future_store))


def test_other_paths_pass_and_none_inputs_are_ignored(tmp_path: Path, store: Path) -> None:
    check_outputs([tmp_path / "rows.jsonl", tmp_path / "audit.db.jsonl"],
                  [*store_inputs(store), ("the lineage file", None)])
    check_outputs([], store_inputs(None))


def test_a_folder_is_no_file_output_and_a_file_no_folder_output(
    tmp_path: Path, store: Path
) -> None:
    with pytest.raises(OutputError, match="it is a folder"):
        check_outputs([tmp_path], [])
    with pytest.raises(OutputError, match="it is the store"):
        check_outputs([], store_inputs(store), folders=[store])
    plain = tmp_path / "notes.txt"
    plain.write_text("x")
    with pytest.raises(OutputError, match="it is a file, not a folder"):
        check_outputs([], [], folders=[plain])
    check_outputs([], [], folders=[tmp_path, tmp_path / "new"])


def test_atomic_write_replaces_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "rows.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half of the new content")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.jsonl"]  # no temp file left
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"


def test_atomic_write_keeps_modes_and_writes_through_symlinks(tmp_path: Path) -> None:
    private = tmp_path / "private.json"
    private.write_text("{}")
    private.chmod(0o600)
    atomic_write_text(private, "[]")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    fresh = atomic_write_text(tmp_path / "deep" / "new.json", "{}")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask  # not mkstemp's 0600
    link = tmp_path / "link.json"
    link.symlink_to(private)
    atomic_write_text(link, '{"a": 1}')
    assert link.is_symlink() and private.read_text() == '{"a": 1}'


def test_an_unwritable_place_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        atomic_write_text(blocker / "under-a-file.json", "{}")
