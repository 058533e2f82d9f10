"""Mutated GGUF headers: the reader and the validator give an InputError or a sound result,
never another exception, never a long walk.

Hypothesis runs derandomized (a fixed seed derived from each test) with bounded examples, so
these take seconds and fail the same way every time. "Sound" is checked independently of the
validator: every tensor it accepts lies inside the file, aligned, without overlaps.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import InputError
from auditor.gguf import GgufLayout, read_gguf_metadata, validate_gguf
from tests.gguf.craft import craft_gguf

CRAFTED = craft_gguf()
HOSTILE = [0, 1, 2, 3, 4, 5, 31, 33, 255, 256, 2**16, 2**31, 2**32 - 1, 2**32, 2**40,
           2**62, 2**63 - 1, 2**63, 2**64 - 32, 2**64 - 1]
FUZZ = settings(derandomize=True, max_examples=250, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
_SLOWEST_CALL = 1.0  # seconds; the walk is bounded, so no mutation may take longer


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="gguf-fuzz-") as folder:
        yield Path(folder) / "mutant.gguf"


def _outcome(call: Callable[[Path], Any], path: Path) -> Any:
    """What ``call`` gives: its result, or the InputError it raised (anything else fails)."""
    started = time.perf_counter()
    try:
        result = call(path)
    except InputError as exc:
        message = str(exc)
        assert str(path) in message and "\n" not in message, message
        result = exc
    assert time.perf_counter() - started < _SLOWEST_CALL
    return result


def _check_sound(layout: GgufLayout, size: int) -> None:
    spans = sorted((t.start, t.start + t.nbytes) for t in layout.tensors)
    assert all(start % layout.alignment == 0 and end <= size for start, end in spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
    assert len({t.name for t in layout.tensors}) == len(layout.tensors)
    assert all(1 <= len(t.shape) <= 4 and min(t.shape) >= 1 for t in layout.tensors)


def _check(data: bytes, path: Path) -> tuple[Any, Any]:
    path.write_bytes(data)
    meta = _outcome(read_gguf_metadata, path)
    layout = _outcome(validate_gguf, path)
    if isinstance(layout, GgufLayout):
        _check_sound(layout, len(data))
        assert isinstance(meta, dict)  # what validates, reads
    return meta, layout


def _cuts() -> list[int]:
    """Every byte of the small regions (header, tensor infos, padding), every 7th byte of the
    others, and each region's first and last two bytes."""
    cuts: set[int] = set()
    for name, (start, end) in CRAFTED.regions.items():
        step = 7 if name in ("metadata", "data") else 1
        cuts.update(range(start, end, step))
        cuts.update(c for c in (start, start + 1, end - 2, end - 1) if start <= c < end)
    return sorted(cuts)


def test_truncations_in_every_region_are_refused(scratch: Path) -> None:
    """The validator refuses every cut; the reader refuses until the metadata is whole."""
    metadata_end = CRAFTED.regions["metadata"][1]
    for cut in _cuts():
        meta, layout = _check(CRAFTED.data[:cut], scratch)
        assert isinstance(layout, InputError), cut
        assert isinstance(meta, InputError) == (cut < metadata_end + 3 * 32), cut


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, len(CRAFTED.data) - 1), st.integers(0, 7)),
                      min_size=1, max_size=8))
def test_bit_flips(scratch: Path, flips: list[tuple[int, int]]) -> None:
    data = bytearray(CRAFTED.data)
    for index, bit in flips:
        data[index] ^= 1 << bit
    _check(bytes(data), scratch)


@FUZZ
@given(field=st.sampled_from(sorted(CRAFTED.fields)),
       value=st.one_of(st.sampled_from(HOSTILE), st.integers(0, 2**64 - 1)))
def test_hostile_counts_lengths_types_and_offsets(scratch: Path, field: str, value: int) -> None:
    size = CRAFTED.fields[field][1]
    _check(CRAFTED.patched(field, value % 2**(8 * size)), scratch)


@FUZZ
@given(data=st.data())
def test_mutations_of_the_tiny_model(tiny_gguf: Path, scratch: Path, data: st.DataObject
                                     ) -> None:
    """Truncations, flips and overwritten words anywhere in the tiny model's header."""
    source = tiny_gguf.read_bytes()
    header_end = validate_gguf(tiny_gguf).data_offset
    kind = data.draw(st.sampled_from(["cut", "flip", "word"]))
    if kind == "cut":
        mutated = source[:data.draw(st.integers(0, len(source) - 1))]
    else:
        at = data.draw(st.integers(0, header_end - 8))
        if kind == "flip":
            patch = bytes([source[at] ^ (1 << data.draw(st.integers(0, 7)))])
        else:
            patch = data.draw(st.sampled_from(HOSTILE)).to_bytes(8, "little")
        mutated = source[:at] + patch + source[at + len(patch):]
    _check(mutated, scratch)
