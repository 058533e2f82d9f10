"""Reading tabular files (CSV, TSV, JSONL, JSON, Parquet) into rows with line numbers."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import SuiteError

TABULAR_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".parquet")


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a tabular file; ``line`` is where it starts (1-based; row index for
    formats without lines)."""

    line: int
    values: dict[str, Any]


def read_rows(path: Path, text: str | None = None) -> tuple[list[str], list[Row]]:
    """Columns (in file order) and rows of a tabular file."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _read_parquet(path)
    if text is None:
        text = read_text(path)
    if suffix in (".csv", ".tsv"):
        return _read_csv(text, path, delimiter="\t" if suffix == ".tsv" else ",")
    if suffix == ".json":
        return _read_json(text, path)
    return _read_jsonl(text, path)


def read_text(path: Path) -> str:
    """A file's text as UTF-8 (a BOM is dropped), with a clear error when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SuiteError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise SuiteError(
            f"{path}: not UTF-8 text (byte {exc.start}); re-save it as UTF-8"
        ) from None
    except OSError as exc:
        raise SuiteError(f"{path}: cannot read ({exc.strerror})") from None


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
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SuiteError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise SuiteError(f"{path}:{lineno}: expected a JSON object per line")
        columns.update(dict.fromkeys(record))
        rows.append(Row(lineno, record))
    return list(columns), rows


def _read_json(text: str, path: Path) -> tuple[list[str], list[Row]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
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


def _read_parquet(path: Path) -> tuple[list[str], list[Row]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise SuiteError(
            f"{path}: reading Parquet needs pyarrow (pip install pyarrow), "
            "or convert the file to CSV/JSONL"
        ) from None
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises many types; all mean "unreadable file"
        raise SuiteError(f"{path}: cannot read Parquet ({exc})") from None
    return list(table.column_names), [
        Row(i, r) for i, r in enumerate(table.to_pylist(), start=1)
    ]


def slug(text: str, *, default: str = "uncategorized") -> str:
    """A short stable slug: lowercase, runs of other characters become ``_``."""
    out = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")[:64].rstrip("_")
    return out or default
