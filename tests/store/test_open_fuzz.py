"""Fuzz: whatever bytes sit at the store's path (random, a real store truncated or with bytes
overwritten), opening it is a StoreError or a valid open, and the file is left unchanged."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.errors import StoreError
from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.store import Store, export_rows
from tests.store.test_sqlite import record

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("fuzz-real") / "audit.db"
    with Store(path) as store:
        for i in range(12):
            gid = store.put_generation(record(item_id=f"i{i}", item_hash=f"h{i}",
                                              response="text " * 30))
            store.put_verdict(gid, JudgedVerdict(Verdict.COMPLIANCE, "heuristic@1", "r"))
    return path.read_bytes()


def _open_leaves_it_unchanged(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.db"
        path.write_bytes(content)
        digest = hashlib.sha256(content).hexdigest()
        for readonly in (True, False):
            try:
                with Store(path, readonly=readonly, timeout=0.1) as store:
                    store.count_generations()
                    store.models()
                    store.verdicts()
                    list(export_rows(store))  # every column of every row, decoded
            except StoreError as exc:
                assert "\n" not in str(exc)
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(content: bytes) -> None:
    _open_leaves_it_unchanged(content)


@FUZZ
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_truncations_of_a_real_store(real_store: bytes, cut: float) -> None:
    _open_leaves_it_unchanged(real_store[: int(len(real_store) * cut)])


@FUZZ
@given(data=st.data())
def test_a_real_store_with_bytes_overwritten(real_store: bytes, data: st.DataObject) -> None:
    content = bytearray(real_store)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(content) - 1))
        content[at] = data.draw(st.integers(0, 255))
    _open_leaves_it_unchanged(bytes(content))
