"""Strict TOML boundaries: a value of the wrong type is one clear error, never a truthy string.

The review that started this: ``trust_remote_code = "false"`` in an ``[audit]`` table counted
as true (a non-empty string) and ran the model folder's ``auto_map`` Python, and
``allow_pickle = "false"`` skipped the pickle refusal.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from auditor.audit import AuditConfig, SelectionPolicy, load_config_file, load_scan_config
from auditor.audit._config import option_names
from auditor.audit._schema import AuditOptions, SelectionOptions
from auditor.errors import UsageError
from tests.cli._run import auditor


def _file(tmp_path: Path, data: bytes | str, name: str = "audit.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("line", "key", "expected"),
    [
        ('trust_remote_code = "false"', "trust_remote_code", "true or false"),
        ('allow_pickle = "false"', "allow_pickle", "true or false"),
        ("allow_pickle = 0", "allow_pickle", "true or false"),
        ('early_stop = "no"', "early_stop", "true or false"),
        ('max_new_tokens = "64"', "max_new_tokens", "a whole number"),
        ("max_new_tokens = 64.0", "max_new_tokens", "a whole number"),
        ("seed = true", "seed", "a whole number"),
        ('margin = "0.05"', "margin", "a number"),
        ('root = ["org/base"]', "root", "a string"),
        ("store = 3", "store", "a string"),
        ("suites = 3", "suites", "a string or a list of strings"),
        ("suites = [1]", "suites[0]", "a string"),
        ('overrides = "x"', "overrides", "a table of node id = model reference"),
        ('suite_limits = {harm = "4"}', "suite_limits.harm", "a whole number"),
        ("depth = -1", "depth", "a number >= 0"),
        ("max_new_tokens = 99999999999999999999", "max_new_tokens", "a number <= 2147483647"),
        ("seed = 4294967296", "seed", "a number <= 4294967295"),
        ("temperature = inf", "temperature", "a finite number"),
        ("alpha = nan", "alpha", "a finite number"),
        ("margin = 1.5", "margin", "a number < 1"),
        ('fail_on = "never"', "fail_on", "one of 'degraded' or 'inconclusive'"),
        ("root = 1979-05-27", "root", "a string"),
    ],
)
def test_a_wrong_type_names_the_file_the_key_and_what_was_expected(
    tmp_path: Path, line: str, key: str, expected: str
) -> None:
    path = _file(tmp_path, f"[audit]\n{line}\n")
    with pytest.raises(UsageError) as caught:
        load_config_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: '{key}' must be {expected}"), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("line", "key"),
    [("trust_remote_code", "trust_remote_code"), ("allow_pickle", "allow_pickle")],
)
@pytest.mark.parametrize("value", ['"false"', '"true"', '""', "0", "1", "[]", "{}"])
def test_safety_switches_take_only_booleans(tmp_path: Path, line: str, key: str,
                                            value: str) -> None:
    with pytest.raises(UsageError, match=f"'{key}' must be true or false"):
        load_config_file(_file(tmp_path, f'root = "org/base"\n{line} = {value}\n'))


def test_booleans_still_work_and_false_stays_false(tmp_path: Path) -> None:
    config = load_config_file(_file(tmp_path, 'root = "o/b"\ntrust_remote_code = false\n'
                                    "allow_pickle = true\n"))
    options = config.backend_options
    assert options.trust_remote_code is False and options.allow_pickle is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'root = "x\x00y"\n', "contains a NUL byte at offset"),
        (b'root = "x"\nstore = "a\\u0000b"\n', "'store': contains a NUL character"),
        (b'root = "\xff"\n', "is not UTF-8 text"),
        (b"root = " + b"9" * 5000 + b"\n", "is not usable TOML: Exceeds the limit"),
        (b"suites = " + b"[" * 3000 + b"]" * 3000 + b"\n", "nested too deeply"),
        (b"root = \n", "is not valid TOML"),
        (b"# " + b"x" * (1 << 20) + b"\n", "over the 1 MiB cap"),
        (b"audit = 3\n", "[audit] must be a table"),
        (b'root = "o/b"\n[audit]\nseed = 1\n', "unknown key 'root' outside the [audit] table"),
        (b'max-new-tokens = 3\nmax_new_tokens = 4\n', "'max_new_tokens' is given twice"),
        (b'relations = ["merge"]\n[selection]\nrelations = ["adapter"]\n',
         "given both at the top level and in [selection]"),
        (b'max_new_tokenz = 3\n', "unknown audit option 'max_new_tokenz' (did you mean "
                                  "'max_new_tokens'?)"),
        (b'[selection]\nall_quants = "false"\n', "'selection.all_quants' must be true or false"),
        (b'[selection]\nrelations = ["sideways"]\n', "'selection.relations[0]' must be one of"),
    ],
)
def test_unreadable_files_are_one_clear_line(tmp_path: Path, data: bytes, message: str) -> None:
    path = _file(tmp_path, data)
    with pytest.raises(UsageError) as caught:
        load_config_file(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_directory_is_not_a_config(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder, not a regular file"):
        load_config_file(tmp_path)


def test_every_option_of_the_record_has_a_typed_field() -> None:
    """A new AuditConfig option, or a new field of one of its parts (GenerationConfig,
    BackendOptions, ...), must be added to the schema too (or the TOML cannot set it)."""
    assert option_names() == set(AuditOptions.model_fields) - {"selection"}
    parts = {"generation", "backend_options", "selection", "statistics"}
    assert {f.name for f in fields(AuditConfig)} - parts <= option_names()
    assert set(SelectionOptions.model_fields) == {f.name for f in fields(SelectionPolicy)}


def test_cli_exits_2_with_one_line_for_a_string_boolean(tmp_path: Path) -> None:
    path = _file(tmp_path, '[audit]\nroot = "org/base"\ntrust_remote_code = "false"\n')
    result = auditor("audit", "--config", str(path))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "audit.toml" in lines[0] and "'trust_remote_code' must be true or false" in lines[0]


# --- scan files -------------------------------------------------------------------------------
_SCAN = """
[scan]
out = "out"

[defaults]
suites = ["smoke"]

[[family]]
name = "first"
root = "org/a"

[[family]]
name = "second"
root = "org/b"
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[family]]\nname = "third"\nroot = "o/c"\ntrust_remote_code = "false"\n',
         "[[family]] #3: 'trust_remote_code' must be true or false"),
        ('[[family]]\nname = "third"\nroot = "o/c"\n[family.selection]\ntop_n_per_relation = "5"\n',
         "[[family]] #3: 'selection.top_n_per_relation' must be a whole number"),
        ('[[family]]\nname = 3\nroot = "o/c"\n', "[[family]] #3 ('o/c'): 'name' must be a string"),
        ('[[family]]\nname = "third"\nroot = "o/c"\nallow_pickle = "false"\n',
         "[[family]] #3: 'allow_pickle' must be true or false"),
    ],
)
def test_scan_file_errors_name_the_family_and_key(tmp_path: Path, extra: str,
                                                  message: str) -> None:
    path = _file(tmp_path, _SCAN + extra, "scan.toml")
    with pytest.raises(UsageError) as caught:
        load_scan_config(path)
    assert str(caught.value).startswith(f"{path}: "), caught.value
    assert message.replace("#3: ", "#3 ('third'): ") in str(caught.value), caught.value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[scan]\nout = 3\n[[family]]\nroot = "o/x"\n', "'scan.out' must be a string"),
        ('[scan]\nouts = "x"\n[[family]]\nroot = "o/x"\n', "unknown [scan] option 'outs'"),
        ('[defaults]\ntrust_remote_code = "false"\n[[family]]\nroot = "o/x"\n',
         "'defaults.trust_remote_code' must be true or false"),
        ('family = 3\n', "'family' must be a list"),
        ('[[family]]\nroot = "o/x"\n[[family]]\nroot = "o/x"\n', "appears twice"),
        ('[[family]]\nsuites = ["harm"]\n', "needs a name or a root"),
        ('[[family]]\nroot = "o/x"\nsuite_limits = {framing = 2}\n',
         "[[family]] #1 ('o/x'): a limit is set for the suite 'framing'"),
    ],
)
def test_bad_scan_files(tmp_path: Path, text: str, message: str) -> None:
    path = _file(tmp_path, text, "scan.toml")
    with pytest.raises(UsageError) as caught:
        load_scan_config(path)
    assert message in str(caught.value) and str(path) in str(caught.value), caught.value


def test_scan_defaults_merge_under_each_family(tmp_path: Path) -> None:
    path = _file(tmp_path, """
[scan]
out = "o"
store = "shared.db"
[defaults]
max-new-tokens = 16
relations = ["quantized"]
trust_remote_code = false
[[family]]
root = "org/a"
[family.selection]
top_n_per_relation = 2
[[family]]
name = "b"
root = "org/b"
max_new_tokens = 8
relations = "finetune"
""", "scan.toml")
    config = load_scan_config(path)
    first, second = (f.config for f in config.families)
    assert (first.generation.max_new_tokens, second.generation.max_new_tokens) == (16, 8)
    assert first.selection.relations == ("quantized",) and first.selection.top_n_per_relation == 2
    assert second.selection.relations == ("finetune",)
    assert first.store == second.store == (tmp_path / "shared.db").resolve()
    assert config.families[0].name == "org/a"
    assert first.out == (tmp_path / "o" / "org-a").resolve()


def test_a_fifo_given_as_config_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    from auditor.audit._toml import read_toml

    fifo = tmp_path / "audit.toml"
    os.mkfifo(fifo)  # nobody writes to it: a plain open() would block for ever
    with pytest.raises(UsageError, match="not a regular file"):
        read_toml(fifo, "config")
