"""Local model folders written by a stranger: every read bounded, nothing hangs, no traceback.

Lineage reading stays tolerant (a broken file is ignored with a warning, as before); what
changes is that a FIFO, ``/dev/zero``, deep nesting, huge integers, NUL bytes, bad UTF-8,
over-long names and ``models: 5`` now end in that warning, or in one InputError for the path
given on the command line, instead of a hang, a MemoryError or a traceback.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.errors import InputError
from lineage import crawl_local
from lineage._local import read_local_model, split_front_matter
from tests.fixtures.hostile import (
    BIG_INT_JSON,
    BOMB_YAML,
    DEEP_JSON,
    FUZZ,
    SPECIAL_KINDS,
    clear_or_valid,
    json_texts,
    make_special,
    within,
    yaml_texts,
)


def folder(tmp_path: Path, files: dict[str, str | bytes], name: str = "m") -> Path:
    m = tmp_path / name
    m.mkdir(parents=True, exist_ok=True)
    for file, content in files.items():
        target = m / file
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return m


# --- README front matter ---------------------------------------------------------------------
@pytest.mark.parametrize("newlines", [40_000, 1_000_000])
def test_front_matter_of_many_newlines_is_linear(tmp_path: Path, newlines: int) -> None:
    """The regex took 7.7 s for 40,000 newlines and about 80 minutes for 1 MB."""
    m = folder(tmp_path, {"README.md": "---" + "\n" * newlines})
    started = time.monotonic()
    model = within(30, lambda: read_local_model(m))
    assert model.card == {}
    assert time.monotonic() - started < 10  # generous: linear takes milliseconds


def test_split_front_matter() -> None:
    assert split_front_matter("---\na: 1\n---\nbody") == "a: 1"
    assert split_front_matter("\ufeff---  \r\na: 1\r\n---\r\n") == "a: 1\r"
    assert split_front_matter("---\n\n\nbase_model: x\n---") == "\n\nbase_model: x"
    assert split_front_matter("---\na: 1\n----\n") is None  # four dashes do not close it
    assert split_front_matter("---\na: 1\n--- \t\nmore") == "a: 1"
    assert split_front_matter("no front matter\n---\n") is None
    assert split_front_matter("---") is None
    assert split_front_matter("---\n" + "\n" * 10_000) is None


def test_only_the_head_of_a_huge_card_is_read(tmp_path: Path) -> None:
    body = "x" * (20 << 20)  # 20 MB of card after a small front matter
    m = folder(tmp_path, {"README.md": "---\nbase_model: org/a\n---\n" + body})
    assert read_local_model(m).card_bases == ["org/a"]


def test_front_matter_not_closed_within_the_cap_is_ignored(tmp_path: Path, caplog) -> None:
    m = folder(tmp_path, {"README.md": "---\nbase_model: org/a\n" + "#" * (2 << 20)})
    with caplog.at_level(logging.WARNING):
        assert read_local_model(m).card == {}
    assert "1 MiB" in caplog.text


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
@pytest.mark.parametrize("name", ["README.md", "config.json", "adapter_config.json",
                                  "mergekit_config.yml"])
def test_special_files_are_ignored_without_blocking(tmp_path: Path, caplog, name: str,
                                                    kind: str) -> None:
    m = folder(tmp_path, {})
    make_special(m / name, kind)
    with caplog.at_level(logging.WARNING):
        model = within(20, lambda: read_local_model(m))
    assert model.card == {} and model.adapter_base is None and model.merge_models == ()
    assert "not a regular file" in caplog.text
    graph = within(20, lambda: crawl_local([m]))
    assert graph.root == "m"


HOSTILE = {
    "deep JSON": DEEP_JSON,
    "huge integer": BIG_INT_JSON,
    "NUL byte": '{"_name_or_path": "a\\u0000b", "x": 1}\x00',
    "deep YAML": "a: " + "[" * 5000 + "]" * 5000,
    "YAML bomb": BOMB_YAML + "models: *i\nbase_model: *i\n",
    "recursive alias": "models: &a [*a]\nbase_model: &b [*b]\ntags: &c [*c]\n",
    "python tag": "models: !!python/object/apply:os.system [echo hi]\n",
    "bad date": "models: 2001-02-30\n",
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("name", ["config.json", "adapter_config.json", "mergekit_config.yml"])
def test_hostile_config_files_are_ignored(tmp_path: Path, caplog, name: str,
                                          content: str) -> None:
    m = folder(tmp_path, {name: content})
    with caplog.at_level(logging.WARNING):
        model = read_local_model(m)
    assert model.adapter_base is None and model.merge_models == ()
    assert caplog.text  # said why


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_front_matter_is_ignored(tmp_path: Path, content: str) -> None:
    m = folder(tmp_path, {"README.md": f"---\n{content}\n---\n"})
    model = read_local_model(m)
    assert model.card_bases == []
    crawl_local([m])


def test_non_utf8_files_are_ignored(tmp_path: Path, caplog) -> None:
    m = folder(tmp_path, {"README.md": b"---\nbase_model: \xff\xfe\n---\n",
                          "config.json": b'{"_name_or_path": "\xff"}',
                          "mergekit_config.yml": b"models: [\xff]\n"})
    with caplog.at_level(logging.WARNING):
        model = read_local_model(m)
    assert model.card == {} and model.config_name is None and model.merge_models == ()
    assert caplog.text.count("not UTF-8") == 3


@pytest.mark.parametrize("mergekit", [
    "models: 5\n",
    "models: {model: org/a}\n",
    "slices: [5, {sources: 7}, {sources: [3, {model: [1]}]}]\n",
    "slices: 5\nbase_model: [org/a]\n",
    "merge_method: [x]\nmodels:\n  - model: org/a+org/lora\n  - '+'\n",
])
def test_malformed_mergekit_configs(tmp_path: Path, mergekit: str) -> None:
    m = folder(tmp_path, {"mergekit_config.yml": mergekit})
    model = read_local_model(m)
    assert set(model.merge_models) <= {"org/a"}
    crawl_local([m])


@pytest.mark.parametrize("card", [
    "base_model: ./" + "a" * 5000,
    "base_model: ~nosuchuser-xyz/model",
    'base_model: "./a\\0b"',
    "base_model: [1, {name: [2]}, null]\ntags: 5\nlicense: [x]\nlibrary_name: {a: 1}",
    "base_model_relation: [merge]\nbase_model: org/a",
])
def test_odd_card_values_are_not_fatal(tmp_path: Path, card: str) -> None:
    m = folder(tmp_path, {"README.md": f"---\n{card}\n---\n"})
    graph = crawl_local([m])
    assert graph.get("m") is not None


def test_paths_the_os_cannot_open_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be opened"):
        crawl_local([str(tmp_path / ("a" * 5000))])
    with pytest.raises(InputError, match="NUL"):
        crawl_local([str(tmp_path / "a\0b")])
    with pytest.raises(InputError, match="does not exist"):
        crawl_local([tmp_path / "missing"])


def test_adapter_base_name_over_4kb(tmp_path: Path) -> None:
    m = folder(tmp_path, {"adapter_config.json": json.dumps(
        {"base_model_name_or_path": "/" + "a" * 5000})})
    graph = crawl_local([m])
    assert graph.get("m") is not None


# --- fuzz: a clear AuditorError or a valid result ------------------------------------------
@FUZZ
@given(text=st.text(alphabet="-\n\r \t\ufeffab:[]{}&*\x00", max_size=400))
def test_fuzz_split_front_matter(text: str) -> None:
    block = split_front_matter(text)
    assert block is None or block in text


@FUZZ
@given(readme=yaml_texts, adapter=json_texts, mergekit=yaml_texts, config=json_texts,
       data=st.data())
def test_fuzz_local_folder(tmp_path_factory, readme: str, adapter: str, mergekit: str,
                           config: str, data: st.DataObject) -> None:
    present = data.draw(st.sets(st.sampled_from(["README.md", "adapter_config.json",
                                                 "mergekit_config.yml", "config.json"])))
    contents = {"README.md": f"---\n{readme}\n---\n", "adapter_config.json": adapter,
                "mergekit_config.yml": mergekit, "config.json": config}
    m = folder(tmp_path_factory.mktemp("fuzz"), {k: v for k, v in contents.items()
                                                 if k in present})
    graph = clear_or_valid(lambda: crawl_local([m]))
    if graph is not None:
        assert graph.get("m") is not None
        graph.to_json()
