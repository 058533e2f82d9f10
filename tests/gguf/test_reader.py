"""The bounded GGUF reader: agrees with gguf.GGUFReader, skips large arrays, and turns every
hostile count or length into an InputError that names the file and the problem."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.gguf import (
    LIMITS,
    FieldType,
    SkippedArray,
    file_type_name,
    read_gguf_header,
    read_gguf_metadata,
)
from tests.gguf.craft import ARRAY, DEFAULT_KV, STRING, UINT32, craft_gguf
from tests.lineage.gguf_files import write_gguf


def test_reader_matches_gguf_package_on_scalars_and_small_arrays(tmp_path: Path) -> None:
    import gguf

    path = write_gguf(tmp_path / "m.gguf", source="https://huggingface.co/org/src",
                      bases=["org/a", "org/b"], vocab=10)
    ours = read_gguf_metadata(path)
    reference = gguf.GGUFReader(str(path))
    for field in reference.fields.values():
        if field.name.startswith("GGUF."):
            continue
        assert field.name in ours
        expected = field.contents()
        assert ours[field.name] == expected, field.name
    assert ours["general.base_model.count"] == 2
    assert ours["general.base_model.1.repo_url"] == "https://huggingface.co/org/b"


def test_large_arrays_are_skipped_not_decoded(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "big.gguf", vocab=5000)
    meta = read_gguf_metadata(path)
    assert meta["tokenizer.ggml.tokens"] == SkippedArray(8, 5000)
    assert meta["tokenizer.ggml.scores"] == SkippedArray(6, 5000)
    assert meta["general.name"] == "Tiny"  # keys after the skipped arrays are still read


def test_header_record_of_the_tiny_model(tiny_gguf: Path) -> None:
    header = read_gguf_header(tiny_gguf)
    assert header.version == 3 and header.byte_order == "<"
    assert header.metadata["general.architecture"] == "llama"
    assert header.metadata["llama.block_count"] == 2
    assert header.metadata["tokenizer.ggml.pre"] == "gpt-2"
    assert header.types["llama.block_count"] == FieldType(UINT32)
    tokens = header.types["tokenizer.ggml.tokens"]
    assert tokens.type == ARRAY and tokens.element_type == STRING and tokens.count == 512
    assert header.tensor_count == 2 + 9 * 2 + 1  # embeddings, norm, output + 9 per block


def test_file_type_names() -> None:
    assert file_type_name(15) == "Q4_K_M"
    assert file_type_name(7) == "Q8_0"
    assert file_type_name(None) is None
    assert file_type_name(True) is None  # a bool is not a file type


def test_not_a_gguf_and_truncated_files_raise_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"NOPE" + b"\0" * 100)
    with pytest.raises(InputError, match="not a GGUF"):
        read_gguf_metadata(bad)
    good = write_gguf(tmp_path / "ok.gguf", vocab=200)
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(good.read_bytes()[:300])
    with pytest.raises(InputError, match="truncated"):
        read_gguf_metadata(cut)
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.gguf is not a GGUF file"):
        read_gguf_metadata(empty)
    with pytest.raises(InputError, match="cannot read GGUF file"):
        read_gguf_metadata(tmp_path)  # a directory


@pytest.mark.parametrize("field", ["key:general.name.len", "kv:general.name.len",
                                   "kv:tokenizer.ggml.tokens.count",
                                   "kv:tokenizer.ggml.tokens[7].len", "kv:general.tags.count"])
@pytest.mark.parametrize("value", [2**64 - 1, 2**63, 2**64 - 8])
def test_lengths_near_2_64_are_input_errors(tmp_path: Path, field: str, value: int) -> None:
    crafted = craft_gguf()
    path = tmp_path / "huge.gguf"
    path.write_bytes(crafted.patched(field, value))
    with pytest.raises(InputError, match=r"huge\.gguf: GGUF file is truncated or corrupt: ") as err:
        read_gguf_metadata(path)
    message = str(err.value)
    assert str(value) in message or "string 7 of value of 'tokenizer.ggml.tokens' runs past the" \
        " end" in message, message
    assert "\n" not in message


def test_absurd_counts_are_refused_before_any_work(tmp_path: Path) -> None:
    crafted = craft_gguf()
    path = tmp_path / "counts.gguf"
    path.write_bytes(crafted.patched("kv_count", 2**64 - 1))
    with pytest.raises(InputError, match=r"counts\.gguf: GGUF header claims 18446744073709551615 "
                                         r"metadata keys \(the limit is 65536\)"):
        read_gguf_metadata(path)
    path.write_bytes(crafted.patched("tensor_count", LIMITS.max_tensors + 1))
    with pytest.raises(InputError, match=r"claims 1048577 tensors"):
        read_gguf_metadata(path)
    path.write_bytes(crafted.patched("kv_count", 60000))  # under the limit, over the bytes
    with pytest.raises(InputError, match=r"truncated or corrupt: 60000 metadata keys"):
        read_gguf_metadata(path)


def test_unknown_types_duplicates_and_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    crafted = craft_gguf()
    path.write_bytes(crafted.patched("kv:general.name.type", 13))
    with pytest.raises(InputError, match=r"value of 'general.name' has unknown GGUF value type 13"):
        read_gguf_metadata(path)
    path.write_bytes(crafted.patched("kv:general.tags.etype", 77))
    with pytest.raises(InputError, match=r"array of unknown GGUF value type 77"):
        read_gguf_metadata(path)
    craft_gguf(kv=(DEFAULT_KV[0], DEFAULT_KV[0])).write(path)
    with pytest.raises(InputError, match=r"metadata key 'general.architecture' appears twice"):
        read_gguf_metadata(path)
    deep: tuple[int, object] = (UINT32, [1])
    for _ in range(LIMITS.max_nesting):
        deep = (ARRAY, [deep])
    craft_gguf(kv=(("deep", ARRAY, deep),)).write(path)
    with pytest.raises(InputError, match=r"nests arrays deeper than 3 levels"):
        read_gguf_metadata(path)


def test_many_empty_strings_stop_at_the_item_budget_quickly(tmp_path: Path) -> None:
    """A file of 9M empty strings (72 MB) must not make the reader walk them all."""
    count = LIMITS.max_items + 1
    crafted = craft_gguf(kv=(("many", ARRAY, (STRING, [])),), tensors=())
    path = tmp_path / "many.gguf"
    path.write_bytes(crafted.patched("kv:many.count", count) + b"\0" * (8 * count))
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"many\.gguf: value of 'many' takes the metadata past "
                                         r"8388608 elements to walk"):
        read_gguf_metadata(path)
    assert time.perf_counter() - started < 1.0
