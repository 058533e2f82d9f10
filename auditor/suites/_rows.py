"""Reading tabular files (CSV, TSV, JSONL, JSON, Parquet) into rows with line numbers."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import SuiteError
from auditor.safeio import (
    SUITE,
    SUITE_PARQUET,
    check_shape,
    decode_text,
    human_size,
    parse_json,
    read_bytes,
)

TABULAR_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".parquet")
ROW_DEPTH = 8  # a row is an object of scalars, or of chat messages: {"messages": [{...}]}


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a tabular file; ``line`` is where it starts (1-based; row index for
    formats without lines)."""

    line: int
    values: dict[str, Any]


def read_rows(path: Path, text: str | None = None, data: bytes | None = None
              ) -> tuple[list[str], list[Row]]:
    """Columns (in file order) and rows of a tabular file (``text`` or, for Parquet, ``data``
    when the caller has read it already)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _read_parquet(path, data)
    if text is None:
        text = read_text(path)
    if suffix in (".csv", ".tsv"):
        return _read_csv(text, path, delimiter="\t" if suffix == ".tsv" else ",")
    if suffix == ".json":
        return _read_json(text, path)
    return _read_jsonl(text, path)


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


def _read_csv(text: str, path: Path, *, delimiter: str) -> tuple[list[str], list[Row]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise SuiteError(f"{path}: empty file (expected a header row of column names)") from None
    except csv.Error as exc:
        raise SuiteError(f"{path}:1: malformed CSV header ({exc})") from None
    columns = [c.strip() for c in header]
    if not any(columns):
        raise SuiteError(f"{path}:1: the header row has no column names")
    dupes = sorted({c for c in columns if c and columns.count(c) > 1})
    if dupes:
        raise SuiteError(f"{path}:1: duplicate column name(s) {dupes}")
    rows: list[Row] = []
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise SuiteError(f"{path}:{start}: malformed CSV ({exc})") from None
        if record and any(cell.strip() for cell in record):
            if len(record) != len(columns):
                raise SuiteError(
                    f"{path}:{start}: {len(record)} fields but the header has {len(columns)} "
                    "(an unquoted comma or a missing field?)"
                )
            rows.append(Row(start, dict(zip(columns, record, strict=True))))
        start = reader.line_num + 1
    return columns, rows


def _read_jsonl(text: str, path: Path) -> tuple[list[str], list[Row]]:
    rows: list[Row] = []
    columns: dict[str, None] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record = parse_json(line, f"{path}:{lineno}", error=SuiteError, max_depth=ROW_DEPTH)
        if not isinstance(record, dict):
            raise SuiteError(f"{path}:{lineno}: expected a JSON object per line")
        columns.update(dict.fromkeys(record))
        rows.append(Row(lineno, record))
    return list(columns), rows


def _read_json(text: str, path: Path) -> tuple[list[str], list[Row]]:
    data = parse_json(text, path, error=SuiteError, max_depth=ROW_DEPTH + 1)
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise SuiteError(f"{path}: expected a JSON list of objects (or one list inside)")
        data = lists[0]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SuiteError(f"{path}: expected a JSON list of objects")
    columns: dict[str, None] = {}
    for record in data:
        columns.update(dict.fromkeys(record))
    return list(columns), [Row(i, r) for i, r in enumerate(data, start=1)]


def _read_parquet(path: Path, data: bytes | None) -> tuple[list[str], list[Row]]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise SuiteError(
            f"{path}: reading Parquet needs pyarrow (pip install pyarrow), "
            "or convert the file to CSV/JSONL"
        ) from None
    if data is None:
        data = read_data(path)
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        meta = parquet.metadata
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if size > SUITE.cap:  # a small file can decompress to far more (a compression bomb)
            raise SuiteError(f"{path}: Parquet data is {human_size(size)} uncompressed, over "
                             f"the {human_size(SUITE.cap)} cap for a suite")
        table = parquet.read()
        records = table.to_pylist()
    except SuiteError:
        raise
    except Exception as exc:  # pyarrow raises many types; all mean "unreadable file"
        raise SuiteError(f"{path}: cannot read Parquet ({_short(exc)})") from None
    rows = [Row(i, r) for i, r in enumerate(records, start=1)]
    for row in rows:
        check_shape(row.values, f"{path}:{row.line}", error=SuiteError, max_depth=ROW_DEPTH)
    return [str(c) for c in table.column_names], rows


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")


def slug(text: str, *, default: str = "uncategorized") -> str:
    """A short stable slug: lowercase, runs of other characters become ``_``."""
    out = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")[:64].rstrip("_")
    return out or default
