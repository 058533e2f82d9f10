"""The bounded reader: hostile files end in one clear error, quickly, never a hang.

FIFOs and ``/dev/zero`` are real (``os.mkfifo``, a symlink); a reader that blocks or reads
without end would hang this test, so each such read runs in a thread with a deadline.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import InputError, SuiteError
from auditor.safeio import (
    FileKind,
    check_shape,
    decode_text,
    human_size,
    load_json_file,
    load_yaml_file,
    parse_json,
    parse_yaml,
    path_exists,
    read_bytes,
    read_text,
)
from tests.fixtures.hostile import within

SMALL = FileKind("test file", 64)


def test_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfhello")
    assert read_text(path, SMALL) == "hello"  # the BOM is dropped


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "README.md"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"FIFO \(named pipe\), not a regular file"):
        within(10, lambda: read_bytes(fifo, SMALL))


def test_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "config.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="character device, not a regular file"):
        within(10, lambda: read_bytes(link, SMALL))


def test_symlink_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    """The Hugging Face cache is made of such links (snapshot -> blob)."""
    blob = tmp_path / "blob"
    blob.write_text("{}")
    (tmp_path / "config.json").symlink_to(blob)
    assert load_json_file(tmp_path / "config.json", SMALL) == {}


def test_folder_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        read_bytes(tmp_path, SMALL)
    with pytest.raises(InputError, match="no such file"):
        read_bytes(tmp_path / "nope", SMALL)


def test_size_cap_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 65)
    with pytest.raises(InputError, match="65 bytes, over the 64 bytes cap"):
        read_bytes(path, SMALL)
    assert read_bytes(path, SMALL, truncate=True) == b" " * 64
    path.write_bytes(b" " * 64)
    assert len(read_bytes(path, SMALL)) == 64


def test_caller_chooses_the_error_class(tmp_path: Path) -> None:
    with pytest.raises(SuiteError):
        read_text(tmp_path / "nope.jsonl", SMALL, error=SuiteError)


def test_paths_the_os_cannot_take(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="too long"):
        read_bytes(tmp_path / ("a" * 5000), SMALL)
    with pytest.raises(InputError, match="NUL"):
        read_bytes(str(tmp_path / "a\0b"), SMALL)
    assert not path_exists("/" + "a" * 5000)
    assert not path_exists("a\0b")
    assert not path_exists("~nosuchuser-xyz/x")


def test_text_must_be_utf8_without_nul() -> None:
    with pytest.raises(InputError, match=r"not UTF-8 text \(invalid byte 0xff at offset 3\)"):
        decode_text(b"abc\xff", "f.txt")
    with pytest.raises(InputError, match="NUL byte"):
        decode_text(b"ab\0c", "f.txt")
    # a multi-byte character cut by a cap is dropped from a partial read, not an error
    assert decode_text("ab\u00e9".encode()[:-1], "f.txt", partial=True) == "ab"


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nested"),
    ('{"a":' * 100 + "1" + "}" * 100, "nested deeper than 64"),
    ('{"bits": ' + "9" * 5000 + "}", "integer string conversion"),
    ("{nope", "not valid JSON"),
    ('{"a": "b\x00"}', "not valid JSON"),
])
def test_hostile_json(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_json(text, "config.json")


BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                                      strict=True))


@pytest.mark.parametrize(("text", "message"), [
    ("a: " + "[" * 5000 + "]" * 5000, "YAML"),
    ("- " * 500 + "x", "nested deeper than 64"),
    ("a: " + "9" * 5000, "integer string conversion"),
    ("a: &a [*a]", "contains itself"),
    (BOMB, "once YAML aliases are expanded"),
    ("a: !!python/object/apply:os.system [echo hi]", "not valid YAML"),
    ("a: 2001-02-30", "not usable YAML"),
    ("a: [unclosed", "not valid YAML"),
    ("? [1, 2]\n: x", "not valid YAML"),
])
def test_hostile_yaml(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_yaml(text, "mergekit_config.yml")


def test_yaml_aliases_that_share_are_fine() -> None:
    data = parse_yaml("base: &b {model: org/a}\nmodels: [*b, *b]\n", "m.yml")
    assert data["models"] == [{"model": "org/a"}, {"model": "org/a"}]


def test_check_shape_is_iterative_and_linear() -> None:
    deep: list[Any] = []
    node = deep
    for _ in range(50_000):  # far past the recursion limit: a recursive walk would crash
        child: list[Any] = []
        node.append(child)
        node = child
    with pytest.raises(InputError, match="nested deeper"):
        check_shape(deep, "x")
    check_shape({"a": [1, 2, {"b": None}]}, "x")


def test_load_yaml_file_reads_through_the_bounded_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "mergekit_config.yml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        within(10, lambda: load_yaml_file(fifo, SMALL))


def test_human_size() -> None:
    assert human_size(16 << 20) == "16 MiB"
    assert human_size(1536) == "1.5 KiB"
    assert human_size(12) == "12 bytes"


def test_huge_json_integers_are_refused_even_when_the_interpreter_allows_them() -> None:
    import sys

    from auditor.safeio import parse_json

    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # a host program may lift Python's own limit
    try:
        with pytest.raises(InputError, match=r"Exceeds the limit \(4300 digits\)"):
            parse_json('{"n": ' + "7" * 4301 + "}", "big.json")
        assert parse_json('{"n": -' + "7" * 4300 + "}", "ok.json")["n"] < 0
    finally:
        sys.set_int_max_str_digits(limit)
