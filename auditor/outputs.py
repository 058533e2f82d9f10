"""Every file a command writes goes through here: one clobber check and one atomic writer.

Why: ``auditor results --store x.db --out x.db`` used to truncate the store before reading it,
and an audit whose ``--store`` was ``OUT/report.json`` ran for an hour and then replaced the
store with its report. The rules, for every command (results, report, audit, scan, demo,
judge, judge-eval, compare, lineage, suites export):

- An output never is an input of the same command. Before anything is computed, each output
  path is compared with the command's inputs (the store and its ``-wal``/``-shm``/``-journal``
  files, suite files, lineage, config and data files): the same file (``st_dev``/``st_ino``,
  so symlinks and hard links count) or, for a path that does not exist yet, the same resolved
  path, is refused with :class:`~auditor.errors.OutputError` (one line, exit status 2) and
  nothing is written. An output that is an existing folder is refused the same way.
- A report folder holds the report's own files (``report.html``, ``report.json``; a scan
  folder adds ``index.html`` and ``summary.json``). The store may sit in a report folder only
  as the audit's own store under another name (``auditor demo`` keeps ``demo/audit.db``
  beside its report); a store at one of those names, or a report folder that is the store,
  is refused before the audit starts.
- Writes are atomic: the text goes to a temporary file in the target's folder, which is
  renamed over the target only when complete, so an interrupted command leaves the old file
  (or none), never half of one. A symlinked target is written through (the link stays), and
  an existing file keeps its permission bits.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from auditor.errors import OutputError

#: Files SQLite keeps beside a database: losing them loses committed rows (WAL) or breaks it.
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")

Labelled = tuple[str, str | os.PathLike[str] | None]


def store_inputs(store: str | os.PathLike[str] | None) -> list[Labelled]:
    """The store and the files SQLite keeps beside it, labelled for :func:`check_outputs`."""
    if store is None:
        return []
    path = Path(store)
    labelled: list[Labelled] = [("the store", path)]
    return labelled + [
        ("the store's " + suffix[1:] + " file", path.with_name(path.name + suffix))
        for suffix in SQLITE_SIDECARS
    ]


def check_outputs(
    outputs: Iterable[str | os.PathLike[str]],
    inputs: Iterable[Labelled],
    *,
    folders: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Refuse (:class:`OutputError`) an output that is one of ``inputs``.

    ``outputs`` are files: one that is an existing folder is refused too. ``folders`` are
    output folders (a report's): one that is an existing file is refused. ``inputs`` are
    ``(label, path)`` pairs; ``None`` paths are ignored. Nothing is created or written:
    call this before the command does any work.
    """
    known = [(label, Path(p)) for label, p in inputs if p is not None]
    files, dirs = [Path(o) for o in outputs], [Path(f) for f in folders]
    for target in dirs + files:
        for label, path in known:
            if _same_file(target, path):
                raise OutputError(
                    f"refusing to write {target}: it is {label} ({path}); choose another "
                    "output path"
                )
    for target in files:
        if target.is_dir():
            raise OutputError(f"refusing to write {target}: it is a folder")
    for target in dirs:
        if target.exists() and not target.is_dir():
            raise OutputError(f"refusing to write into {target}: it is a file, not a folder")


def _same_file(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:  # one of them does not exist (yet): compare where they would be
        return os.path.realpath(a) == os.path.realpath(b)
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


@contextmanager
def atomic_open(path: str | os.PathLike[str], *, newline: str | None = None) -> Iterator[TextIO]:
    """A UTF-8 text handle whose content replaces ``path`` only if the block completes.

    The folder is created if needed. On an exception the temporary file is removed and
    ``path`` is left as it was; an :class:`OSError` becomes :class:`OutputError`.
    """
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(target)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
        os.chmod(tmp, mode)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_open`); returns ``path``."""
    with atomic_open(path) as handle:
        handle.write(text)
    return Path(path)


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


__all__ = [
    "SQLITE_SIDECARS",
    "atomic_open",
    "atomic_write_text",
    "check_outputs",
    "store_inputs",
]
