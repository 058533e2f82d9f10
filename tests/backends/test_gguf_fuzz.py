"""Mutated tiny GGUF files loaded through the real llama.cpp backend, end to end.

Each mutant (a seeded mix of truncations, bit flips, hostile words in the header, flipped
tensor data, and metadata values that are well formed but wrong for the model) goes through
``resolve_reference`` and ``load_backend(..., "llamacpp")`` and a 2-token generate. Every
outcome must be one of three: a clear :class:`AuditorError` (the preflight's InputError, or
llama.cpp's refusal), a :class:`BackendCrashedError` contained in the worker, or a success.
Anything else (another exception, or this test process dying) fails.
"""

from __future__ import annotations

import random
import struct
from collections import Counter
from pathlib import Path

import pytest

from auditor.backends import BackendOptions, GenerationConfig, load_backend
from auditor.errors import AuditorError, BackendCrashedError
from auditor.gguf import validate_gguf
from auditor.refs import resolve_reference
from tests.backends.test_llamacpp import REQUESTS

pytest.importorskip("llama_cpp")

SEED = 20240611
HOSTILE_WORDS = [2**64 - 1, 2**63, 2**32 + 1, 2**40, 0, 1, 7]
# Well-formed values llama.cpp must refuse (or survive): key -> (struct code, value).
WRONG_VALUES = [
    ("llama.block_count", "I", 3),  # a block whose tensors are missing
    ("llama.block_count", "I", 1),  # tensors left over
    ("llama.embedding_length", "I", 48),  # every shape wrong
    ("llama.attention.head_count", "I", 0),  # a division by zero, if unchecked
    ("llama.attention.head_count_kv", "I", 3),
    ("tokenizer.ggml.bos_token_id", "I", 2**31),  # a token id outside the vocabulary
    ("tokenizer.ggml.eos_token_id", "I", 2**32 - 1),
    ("llama.context_length", "I", 0),
    ("llama.attention.layer_norm_rms_epsilon", "f", float("nan")),  # GGML_ASSERT when decoding
]


def _value_offset(data: bytes, key: str) -> int:
    """Where the value of scalar ``key`` starts: after its name and its 4-byte type."""
    name = key.encode()
    at = data.index(struct.pack("<Q", len(name)) + name)
    return at + 8 + len(name) + 4


def _duplicate_token(source: bytes, tokens_at: int) -> bytes:
    """The file with one token's text replaced by another's of the same length."""
    seen: dict[int, bytes] = {}
    pos = tokens_at
    while True:
        size = struct.unpack_from("<Q", source, pos)[0]
        if size in seen:
            return source[:pos + 8] + seen[size] + source[pos + 8 + size:]
        seen[size] = source[pos + 8:pos + 8 + size]
        pos += 8 + size


def _mutants(source: bytes, header_end: int, tokens_at: int) -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    out = []
    for _ in range(5):
        cut = rng.randrange(len(source))
        out.append((f"cut at {cut}", source[:cut]))
    for _ in range(6):
        data = bytearray(source)
        flips = [(rng.randrange(header_end), rng.randrange(8)) for _ in range(rng.randint(1, 3))]
        for index, bit in flips:
            data[index] ^= 1 << bit
        out.append((f"header flips {flips}", bytes(data)))
    for _ in range(4):
        at, word = rng.randrange(header_end - 8), rng.choice(HOSTILE_WORDS)
        out.append((f"word {word} at {at}",
                    source[:at] + word.to_bytes(8, "little") + source[at + 8:]))
    for _ in range(3):
        data = bytearray(source)
        for _ in range(16):
            data[rng.randrange(header_end, len(source))] ^= 0xFF
        out.append(("tensor data flips", bytes(data)))
    for key, code, value in WRONG_VALUES:
        at = _value_offset(source, key)
        raw = struct.pack("<" + code, value)
        out.append((f"{key}={value}", source[:at] + raw + source[at + len(raw):]))
    out.append(("two tokens with the same text", _duplicate_token(source, tokens_at)))
    return out


def _load_and_generate(path: Path) -> str:
    backend = load_backend(resolve_reference(str(path)), "llamacpp",
                           BackendOptions(threads=1, n_ctx=256))
    try:
        backend.generate(REQUESTS[:1], GenerationConfig(max_new_tokens=2))
    finally:
        backend.close()
    return "success"


@pytest.mark.timeout(600)
def test_mutated_ggufs_end_in_a_clear_error_a_contained_crash_or_success(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    source = tiny_gguf.read_bytes()
    layout = validate_gguf(tiny_gguf)
    tokens_at = layout.header.types["tokenizer.ggml.tokens"].offset
    mutants = _mutants(source, layout.data_offset, tokens_at)
    assert 20 <= len(mutants) <= 30
    outcomes: list[tuple[str, str]] = []
    for number, (what, data) in enumerate(mutants):
        path = tmp_path / f"mutant-{number:02d}.gguf"
        path.write_bytes(data)
        try:
            outcome = _load_and_generate(path)
        except BackendCrashedError as exc:
            outcome = f"contained crash: {exc}"
        except AuditorError as exc:
            message = str(exc)
            assert message and "\n" not in message and "Traceback" not in message, message
            assert path.name in message or "backend failed" in message, message
            outcome = f"clear error: {message}"
        outcomes.append((what, outcome))
    kinds = Counter(outcome.split(":")[0] for _, outcome in outcomes)
    for what, outcome in outcomes:
        print(f"{what:45.45} -> {outcome[:150]}")
    print(dict(kinds))
    assert set(kinds) <= {"success", "clear error", "contained crash"}
    assert kinds["clear error"] >= 10 and kinds["success"] >= 3  # the data flips load


@pytest.mark.timeout(180)
def test_an_assert_while_decoding_is_a_contained_abort_not_a_hang(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    """A NaN norm epsilon passes every structural check and trips a GGML_ASSERT on several
    threads at once; with ggml's gdb backtrace left on, the worker could hang for ever."""
    source = tiny_gguf.read_bytes()
    at = _value_offset(source, "llama.attention.layer_norm_rms_epsilon")
    path = tmp_path / "nan-eps.gguf"
    path.write_bytes(source[:at] + struct.pack("<f", float("nan")) + source[at + 4:])
    for _ in range(3):  # the hang was a race: give it several chances
        with pytest.raises(BackendCrashedError, match=r"\(SIGABRT while decoding\)"):
            _load_and_generate(path)
