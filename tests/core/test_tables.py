"""The one table reader: every format into rows that know their line, errors of the caller's
class naming file and line, and the caps of the bounded reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import InputError, SuiteError
from auditor.safeio import FileKind
from auditor.tables import Kinds, Row, read_rows

RECORDS = [{"prompt": "How do I pick a lock?", "response": "I can't help, \"sorry\", really."},
           {"prompt": "Say hi", "response": "hi\nthere"}]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl() -> str:
    return "".join(json.dumps(r) + "\n" for r in RECORDS)


def _csv(delimiter: str) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["prompt", "response"], delimiter=delimiter)
    writer.writeheader()
    writer.writerows(RECORDS)
    return out.getvalue()


@pytest.mark.parametrize(("name", "text", "lines"), [
    ("t.jsonl", _jsonl(), [1, 2]),
    ("t.ndjson", "\n" + _jsonl(), [2, 3]),
    ("t.json", json.dumps(RECORDS, indent=2), [1, 2]),
    ("t.json", json.dumps({"data": RECORDS, "name": "x"}), [1, 2]),
    ("t.json", _jsonl(), [1, 2]),  # JSON lines named .json, as response tables often are
    ("t.csv", "\ufeff" + _csv(","), [2, 3]),  # a BOM is dropped
    ("t.tsv", _csv("\t"), [2, 3]),
])
def test_every_text_format(tmp_path: Path, name: str, text: str, lines: list[int]) -> None:
    columns, rows = read_rows(_write(tmp_path / name, text))
    assert columns == ["prompt", "response"]
    assert rows == [Row(line, record) for line, record in zip(lines, RECORDS, strict=True)]


def test_parquet(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pylist(RECORDS), path)
    columns, rows = read_rows(path)
    assert columns == ["prompt", "response"]
    assert [r.values for r in rows] == RECORDS and [r.line for r in rows] == [1, 2]


def test_a_long_csv_cell_is_read(tmp_path: Path) -> None:
    trace = "think " * 60_000  # 360 kB: over csv's default 128 KiB field limit
    _, rows = read_rows(_write(tmp_path / "t.csv", f"prompt,reasoning\nq,{trace}\n"))
    assert rows[0].values["reasoning"] == trace


@pytest.mark.parametrize(("name", "text", "message"), [
    ("t.csv", "prompt,response\nq,a,extra\n", r"t\.csv:2: 3 fields but the header has 2"),
    ("t.csv", "", r"t\.csv: empty file"),
    ("t.csv", "a,a\n1,2\n", r"t\.csv:1: duplicate column"),
    ("t.jsonl", '{"prompt": "q"}\n[1]\n', r"t\.jsonl:2: expected a JSON object per line"),
    ("t.jsonl", '{"prompt": "q"}\n{oops\n', r"t\.jsonl:2"),
    ("t.json", '{\n  "a": [1], "b": [2]\n}', r"expected a JSON list of objects"),
    ("t.json", '[\n  {"a": 1},\n', r"t\.json"),  # broken JSON, not JSON lines
    ("t.jsonl", '{"a": ' * 50 + "1" + "}" * 50 + "\n", r"t\.jsonl:1"),  # too deep
])
def test_bad_tables_are_the_callers_error(tmp_path: Path, name: str, text: str,
                                          message: str) -> None:
    path = _write(tmp_path / name, text)
    with pytest.raises(InputError, match=message):
        read_rows(path)
    with pytest.raises(SuiteError, match=message):
        read_rows(path, error=SuiteError)


def test_caps_and_special_files(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.jsonl", _jsonl())
    with pytest.raises(SuiteError, match="tiny table"):
        read_rows(path, error=SuiteError, kinds=Kinds(text=FileKind("tiny table", 16)))
    with pytest.raises(InputError, match="missing.csv"):
        read_rows(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"prompt\n\xe9\n")
    with pytest.raises(InputError, match="UTF-8"):
        read_rows(latin)


def test_json_lines_split_at_newlines_only(tmp_path: Path) -> None:
    record = {"response": "line\u2028separator\x85and\x0bfriends"}  # valid inside JSON strings
    path = _write(tmp_path / "t.jsonl", json.dumps(record, ensure_ascii=False) + "\r\n")
    assert read_rows(path)[1] == [Row(1, record)]


def test_the_csv_cell_cap_is_the_callers(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", "prompt\n" + "a" * 2_000 + "\n")
    with pytest.raises(InputError, match=r"t\.csv:2: malformed CSV"):
        read_rows(path, kinds=Kinds(csv_cell=1_000))
    assert read_rows(path)[1][0].values["prompt"] == "a" * 2_000
