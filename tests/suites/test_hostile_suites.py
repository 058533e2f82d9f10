"""Suite files written by a stranger: bounded reads, typed rows, one SuiteError naming the
file, the row and the field; never a hang, a MemoryError or a traceback."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.errors import SuiteError
from auditor.suites import load_suite
from tests.fixtures.hostile import (
    FUZZ,
    SPECIAL_KINDS,
    clear_or_valid,
    json_values,
    make_special,
    within,
)
from tests.fixtures.silent_server import SilentServer
from tests.suites.dataset_server import DatasetServer

HEADER = '{"schema_version": 1, "suite": "s", "version": "1"}\n'
ITEM = {"id": "a", "category": "c", "expected": "refuse", "prompt": "p"}
BOUND = 60.0


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def item_line(**changes: object) -> str:
    return json.dumps({**ITEM, **changes}) + "\n"


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
@pytest.mark.parametrize("name", ["s.jsonl", "s.csv", "s.json", "s.parquet"])
def test_special_files_are_refused_without_blocking(tmp_path: Path, name: str,
                                                    kind: str) -> None:
    path = make_special(tmp_path / name, kind)
    with pytest.raises(SuiteError, match="not a regular file"):
        within(20, lambda: load_suite(str(path)))


def test_size_cap_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as fh:
        fh.truncate(600 << 20)  # sparse: 600 MiB on paper, nothing on disk
    with pytest.raises(SuiteError, match="600 MiB, over the 512 MiB cap"):
        within(20, lambda: load_suite(str(path)))


@pytest.mark.parametrize(("content", "message"), [
    (HEADER + '{"id": "a", "prompt": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
     r"s\.jsonl:2: JSON nested too deeply"),
    ("[" * 100_000 + "]" * 100_000 + "\n", r"s\.jsonl:1: JSON nested too deeply"),
    (HEADER + '{"id": "a", "prompt": ' + "9" * 5000 + "}\n",
     r"s\.jsonl:2: not usable JSON \(Exceeds the limit"),
    ('{"schema_version": ' + "9" * 5000 + "}\n", r"s\.jsonl:1: not usable JSON"),
    (HEADER + item_line(prompt="p\x00"), r"s\.jsonl:2: 'prompt' holds a NUL character"),
    (HEADER + item_line(system="s\x00"), r"s\.jsonl:2: 'system' holds a NUL character"),
    (HEADER + '{"id": "a", "category": "c", "expected": "refuse", "messages": '
     '[{"role": "user", "content": "\\u0000"}]}\n',
     r"s\.jsonl:2: messages\[0\]\.content holds a NUL character"),
    (HEADER + item_line() + "\x00\n", r"NUL byte"),
    (HEADER + item_line(id=5), r"s\.jsonl:2: id 5 must be a string"),
    (HEADER + item_line(expected={}), r"s\.jsonl:2: expected must be"),
    (HEADER + item_line(tags=[[1]]), r"s\.jsonl:2: 'tags' must be"),
    (HEADER + item_line(framings={"x": [{"role": ["u"], "content": "c"}]}),
     r"s\.jsonl:2: framings\.x\[0\]\.role"),
    (HEADER + item_line(prompt="x" * 10, system=["s"]), r"'system' must be"),
])
def test_hostile_native_suites(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path, "s.jsonl", content)
    with pytest.raises(SuiteError, match=message):
        load_suite(str(path))


def test_non_utf8_suite(tmp_path: Path) -> None:
    path = write(tmp_path, "s.jsonl", (HEADER + item_line()).encode() + b"\xff\n")
    with pytest.raises(SuiteError, match=r"not UTF-8 text \(invalid byte 0xff"):
        load_suite(str(path))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("s.csv", "prompt,label\nhi\x00,unsafe\n", "NUL byte"),
    ("s.csv", b"prompt,label\n\xff,unsafe\n", "not UTF-8"),
    ("s.csv", "prompt,label\n" + "a" * 200_000 + ",unsafe\n", r"s\.csv:2: malformed CSV"),
    ("s.csv", "prompt,label\nhi,maybe\n", r"s\.csv:2: column 'label' has 'maybe'"),
    ("s.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("s.json", '[{"prompt": "p", "label": "unsafe", "id": ' + "9" * 5000 + "}]",
     "not usable JSON"),
    ("s.json", '[{"prompt": {"a": 1}, "label": "unsafe"}]',
     r"s\.json:1: column 'prompt' must be text, not an object"),
    ("s.json", '[{"prompt": ' + "[" * 60 + "]" * 60 + ', "label": "unsafe"}]',
     "nested deeper than 9"),
    ("s.json", '[{"prompt": "p", "label": ["unsafe"]}]', r"s\.json:1: column 'label' has"),
    ("s.json", '[{"prompt": "p", "label": "unsafe", "id": true}]',
     r"s\.json:1: column 'id' must be text, not a boolean"),
    ("s.json", '[{"prompt": "p", "label": "unsafe", "id": -1}]',
     r"s\.json:1: id '-1' is not a usable item id"),
    ("s.json", '[{"prompt": "p\\u0000", "label": "unsafe"}]',
     r"s\.json:1: column 'prompt' holds a NUL character"),
    ("s.jsonl", '{"messages": [{"role": "user", "content": "x"}, 5], "label": "unsafe"}\n',
     r"s\.jsonl:1: messages\[1\] needs a 'role'"),
    ("s.jsonl", '{"messages": [{"role": ["user"], "content": "x"}], "label": "unsafe"}\n',
     r"s\.jsonl:1: messages\[0\]\.role \['user'\]"),
    ("s.json", '[{"id": "a", "prompt": "p", "type": "t", "label": "safe", "focus": [1]}]',
     r"s\.json:1: column 'focus' must be text, not a list"),
    ("s.parquet", b"PAR1garbagePAR1", r"s\.parquet: cannot read Parquet"),
])
def test_hostile_rows_name_file_row_and_field(tmp_path: Path, name: str,
                                              content: str | bytes, message: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(SuiteError, match=message):
        load_suite(str(path))


def test_parquet_with_nested_cells(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "s.parquet"
    pq.write_table(pa.table({"prompt": [{"a": [1]}], "label": [["unsafe"]]}), path)
    with pytest.raises(SuiteError, match=r"s\.parquet:1: column 'prompt' must be text"):
        load_suite(str(path))


@pytest.mark.parametrize("ref", ["a" * 5000 + ".jsonl", "/tmp/" + "a" * 5000, "a\x00b.jsonl"])
def test_names_the_os_cannot_look_up(ref: str) -> None:
    with pytest.raises(SuiteError) as info:
        load_suite(ref)
    assert len(str(info.value)) < 600 and "\x00" not in str(info.value)


# --- fuzz: a clear SuiteError or a valid suite ------------------------------------------------
_row = st.dictionaries(st.sampled_from(["id", "prompt", "label", "category", "messages",
                                        "system", "expected", "type", "focus"]),
                       json_values, max_size=6)


@FUZZ
@given(rows=st.lists(_row, min_size=1, max_size=4), as_native=st.booleans())
def test_fuzz_jsonl_rows(tmp_path_factory, rows: list[dict], as_native: bool) -> None:
    body = "".join(json.dumps(r) + "\n" for r in rows)
    path = tmp_path_factory.mktemp("fuzz") / "s.jsonl"
    path.write_text((HEADER if as_native else "") + body, encoding="utf-8")
    suite = clear_or_valid(lambda: load_suite(str(path)))
    if suite is not None:
        assert all(isinstance(i.messages[-1].content, str) for i in suite.items)


@FUZZ
@given(rows=st.lists(_row, min_size=1, max_size=4))
def test_fuzz_json_rows(tmp_path_factory, rows: list[dict]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "s.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    clear_or_valid(lambda: load_suite(str(path), expected="refuse"))


@FUZZ
@given(cells=st.lists(st.lists(st.text(max_size=20), min_size=3, max_size=3), min_size=1,
                      max_size=4))
def test_fuzz_csv_rows(tmp_path_factory, cells: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "prompt", "label"])
    writer.writerows(cells)
    path = tmp_path_factory.mktemp("fuzz") / "s.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    clear_or_valid(lambda: load_suite(str(path)))


# --- Hub datasets ---------------------------------------------------------------------------
@pytest.fixture
def datasets(monkeypatch: pytest.MonkeyPatch) -> Iterator[DatasetServer]:
    with DatasetServer() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        yield server


@pytest.mark.parametrize("name", ["../../../evil.csv", "a\x1b[2J.csv", "a" * 5000 + ".csv",
                                  "/etc/evil.csv"])
def test_hostile_dataset_file_names(datasets: DatasetServer, tmp_path: Path,
                                    name: str) -> None:
    datasets.add("org/data", {name: b"prompt,label\nx,unsafe\n"})
    with pytest.raises(SuiteError, match="refusing to download it"):
        load_suite("hf:org/data", cache_dir=tmp_path)


def test_dataset_hub_that_never_answers(monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    monkeypatch.setenv("AUDITOR_HUB_TIMEOUT", "1")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with SilentServer() as url:
        monkeypatch.setenv("HF_ENDPOINT", url)
        started = time.monotonic()
        with pytest.raises(SuiteError, match="within 1 s"):
            within(BOUND, lambda: load_suite("hf:org/data", cache_dir=tmp_path))
    assert time.monotonic() - started < BOUND
