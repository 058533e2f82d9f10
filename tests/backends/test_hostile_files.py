"""Tokenizer files, chat templates and remote-code checks read from a stranger's model folder:
through the bounded reader, so a FIFO, /dev/zero or hostile JSON is a clear error or skipped,
never a hang or a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.backends._chat import choose_chat_format
from auditor.backends._hf_safety import remote_code_files
from auditor.backends._tokenizer_files import template_from_folder
from auditor.errors import InputError, UsageError
from tests.fixtures.hostile import BIG_INT_JSON, DEEP_JSON, SPECIAL_KINDS, make_special, within


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_special_template_file_is_an_error_not_a_hang(tmp_path: Path, kind: str) -> None:
    make_special(tmp_path / "chat_template.jinja", kind)
    # is_file() is False for both: the folder simply has no template file
    assert within(20, lambda: template_from_folder(tmp_path)) is None


def test_template_file_must_be_utf8(tmp_path: Path) -> None:
    (tmp_path / "chat_template.jinja").write_bytes(b"{{ messages }}\xff")
    with pytest.raises(InputError, match="not UTF-8"):
        template_from_folder(tmp_path)


@pytest.mark.parametrize("content", [DEEP_JSON, BIG_INT_JSON, "[1]", "{", '{"a": "\x00"}'])
def test_hostile_tokenizer_config_is_skipped(tmp_path: Path, content: str) -> None:
    (tmp_path / "tokenizer_config.json").write_text(content)
    (tmp_path / "chat_template.json").write_text(json.dumps({"chat_template": "{{ x }}"}))
    assert template_from_folder(tmp_path) == "{{ x }}"
    (tmp_path / "chat_template.json").unlink()
    assert template_from_folder(tmp_path) is None
    (tmp_path / "config.json").write_text(content)
    assert remote_code_files(tmp_path) == []


def test_remote_code_is_still_found(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"auto_map": {"AutoModel": "m.Model"}}))
    assert remote_code_files(tmp_path) == ["config.json: m.Model"]


def test_chat_template_option_pointing_at_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "template.jinja"
    path.write_bytes(b"\x00\x01\x02")
    with pytest.raises(UsageError, match="NUL byte"):
        choose_chat_format(str(path), embedded=None)
