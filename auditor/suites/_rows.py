"""Suite files as tables: the one table reader (:mod:`auditor.tables`) with the suite caps and
:class:`SuiteError`, plus the bytes-and-text helpers the suite loader shares."""

from __future__ import annotations

import re
from pathlib import Path

from auditor.errors import SuiteError
from auditor.safeio import SUITE, SUITE_PARQUET, KiB, decode_text, read_bytes
from auditor.tables import ROW_DEPTH, Kinds, Row
from auditor.tables import read_rows as read_table_rows

TABULAR_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".parquet")
# a suite cell over csv's default 128 KiB is refused as malformed (no real prompt is that long)
_SUITE_KINDS = Kinds(text=SUITE, parquet=SUITE_PARQUET, csv_cell=128 * KiB)


def read_rows(path: Path, text: str | None = None, data: bytes | None = None
              ) -> tuple[list[str], list[Row]]:
    """Columns (in file order) and rows of a tabular suite file (``text`` or, for Parquet,
    ``data`` when the caller has read it already)."""
    return read_table_rows(path, text, data, error=SuiteError, kinds=_SUITE_KINDS)


def read_data(path: Path) -> bytes:
    """A suite file's bytes through the bounded reader: a regular file (never a FIFO or a
    device), at most the cap for its kind (the error names the cap)."""
    kind = SUITE_PARQUET if path.suffix.lower() == ".parquet" else SUITE
    return read_bytes(path, kind, error=SuiteError)


def decode(data: bytes, path: Path) -> str:
    """A suite file's text: UTF-8 (a BOM is dropped), no NUL bytes, or a clear error."""
    return decode_text(data, path, error=SuiteError)


def read_text(path: Path) -> str:
    """A file's text as UTF-8 (a BOM is dropped), with a clear error when it cannot be read."""
    return decode(read_data(path), path)


def slug(text: str, *, default: str = "uncategorized") -> str:
    """A short stable slug: lowercase, runs of other characters become ``_``."""
    out = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")[:64].rstrip("_")
    return out or default


__all__ = ["ROW_DEPTH", "TABULAR_SUFFIXES", "Row", "decode", "read_data", "read_rows",
           "read_text", "slug"]
