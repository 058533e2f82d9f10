"""The one reader of tabular files (suites, response tables for ``auditor judge`` and
``judge-eval``, calibration sets): CSV, TSV, JSON lines, JSON and Parquet into :class:`Row`
records that keep where each row starts, so every error can name its line.

The files are untrusted: they are read through the bounded reader (:mod:`auditor.safeio`:
a regular file under the kind's cap, UTF-8 without NUL, JSON with depth and digit limits),
CSV strictly (a row with more or fewer fields than the header is an error, not a shifted
row), and Parquet's uncompressed size is checked before it is decompressed. Every failure is
one error of the caller's class (``error``) naming the file and line.

``.json`` is one JSON list of objects (or an object holding exactly one list); a file that is
not one JSON document but whose first line is an object is read as JSON lines, as response
tables named ``.json`` always were.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError, InputError
from auditor.safeio import (
    FileKind,
    MiB,
    check_shape,
    decode_text,
    human_size,
    parse_json,
    read_bytes,
)

TABLE = FileKind("table file", 512 * MiB)
TABLE_PARQUET = FileKind("Parquet table file", 1024 * MiB)
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
TABLE_SUFFIXES = (".csv", ".tsv", *JSON_LINES_SUFFIXES, ".json", ".parquet")
ROW_DEPTH = 8  # a row is an object of scalars, or of chat messages: {"messages": [{...}]}

Error = type[AuditorError]


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a tabular file; ``line`` is where it starts (1-based; the row's index
    for formats without lines)."""

    line: int
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Kinds:
    """The size caps a reader applies: ``text`` for text formats (and for Parquet's
    uncompressed data), ``parquet`` for a Parquet file's bytes, ``csv_cell`` for one CSV
    cell (a response table's reasoning trace is often over csv's default 128 KiB)."""

    text: FileKind = TABLE
    parquet: FileKind = TABLE_PARQUET
    csv_cell: int = TABLE.cap


def read_rows(
    path: Path,
    text: str | None = None,
    data: bytes | None = None,
    *,
    error: Error = InputError,
    kinds: Kinds = Kinds(),  # noqa: B008 - frozen, so one shared default is safe
) -> tuple[list[str], list[Row]]:
    """Columns (in file order) and rows of a tabular file, chosen by its suffix; ``text``
    (or, for Parquet, ``data``) when the caller has read the file already."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _read_parquet(path, data, error, kinds)
    if text is None:
        raw = read_bytes(path, kinds.text, error=error)
        text = decode_text(raw, path, error=error)
    if suffix in (".csv", ".tsv"):
        return _read_csv(text, path, "\t" if suffix == ".tsv" else ",", error, kinds.csv_cell)
    if suffix == ".json":
        return _read_json(text, path, error)
    return _read_jsonl(text, path, error)


def _read_csv(text: str, path: Path, delimiter: str, error: Error, max_cell: int
              ) -> tuple[list[str], list[Row]]:
    csv.field_size_limit(min(max_cell, 2**31 - 1))  # process-wide: set for every read
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise error(f"{path}: empty file (expected a header row of column names)") from None
    except csv.Error as exc:
        raise error(f"{path}:1: malformed CSV header ({exc})") from None
    columns = [c.strip() for c in header]
    if not any(columns):
        raise error(f"{path}:1: the header row has no column names")
    dupes = sorted({c for c in columns if c and columns.count(c) > 1})
    if dupes:
        raise error(f"{path}:1: duplicate column name(s) {dupes}")
    rows: list[Row] = []
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise error(f"{path}:{start}: malformed CSV ({exc})") from None
        if record and any(cell.strip() for cell in record):
            if len(record) != len(columns):
                raise error(
                    f"{path}:{start}: {len(record)} fields but the header has {len(columns)} "
                    "(an unquoted comma or a missing field?)"
                )
            rows.append(Row(start, dict(zip(columns, record, strict=True))))
        start = reader.line_num + 1
    return columns, rows


def _read_jsonl(text: str, path: Path, error: Error) -> tuple[list[str], list[Row]]:
    rows: list[Row] = []
    columns: dict[str, None] = {}
    # "\n" only: str.splitlines() also splits at U+2028, U+0085..., valid inside JSON strings
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        record = parse_json(line, f"{path}:{lineno}", error=error, max_depth=ROW_DEPTH)
        if not isinstance(record, dict):
            raise error(f"{path}:{lineno}: expected a JSON object per line")
        columns.update(dict.fromkeys(record))
        rows.append(Row(lineno, record))
    return list(columns), rows


def _read_json(text: str, path: Path, error: Error) -> tuple[list[str], list[Row]]:
    try:
        data = parse_json(text, path, error=error, max_depth=ROW_DEPTH + 1)
    except error:
        if _first_line_is_object(text, path, error):
            return _read_jsonl(text, path, error)
        raise
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise error(f"{path}: expected a JSON list of objects (or one list inside)")
        data = lists[0]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise error(f"{path}: expected a JSON list of objects")
    columns: dict[str, None] = {}
    for record in data:
        columns.update(dict.fromkeys(record))
    return list(columns), [Row(i, r) for i, r in enumerate(data, start=1)]


def _first_line_is_object(text: str, path: Path, error: Error) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    try:
        return isinstance(parse_json(first, path, error=error, max_depth=ROW_DEPTH), dict)
    except error:
        return False


def _read_parquet(path: Path, data: bytes | None, error: Error, kinds: Kinds
                  ) -> tuple[list[str], list[Row]]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise error(
            f"{path}: reading Parquet needs pyarrow (pip install pyarrow), "
            "or convert the file to CSV/JSONL"
        ) from None
    if data is None:
        data = read_bytes(path, kinds.parquet, error=error)
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        meta = parquet.metadata
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if size > kinds.text.cap:  # a small file can decompress to far more (a compression bomb)
            raise error(f"{path}: Parquet data is {human_size(size)} uncompressed, over "
                        f"the {human_size(kinds.text.cap)} cap for a {kinds.text.label}")
        table = parquet.read()
        records = table.to_pylist()
    except error:
        raise
    except Exception as exc:  # pyarrow raises many types; all mean "unreadable file"
        raise error(f"{path}: cannot read Parquet ({_short(exc)})") from None
    rows = [Row(i, r) for i, r in enumerate(records, start=1)]
    for row in rows:
        check_shape(row.values, f"{path}:{row.line}", error=error, max_depth=ROW_DEPTH)
    return [str(c) for c in table.column_names], rows


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


__all__ = ["ROW_DEPTH", "TABLE", "TABLE_PARQUET", "TABLE_SUFFIXES", "Kinds", "Row", "read_rows"]
