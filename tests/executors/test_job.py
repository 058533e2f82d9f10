"""A worker's job without Ray (``auditor.executors.run_job``): it runs the runner on a private
store and hands back, batch by batch, exactly the rows a local run stores; rows it is seeded
with are not asked again; a model that cannot be evaluated ends with the reason."""

from __future__ import annotations

import time
from pathlib import Path

from auditor.backends import BackendOptions, GenerationConfig
from auditor.executors import JobDone, JobSpec, ModelJob, RowBatch, run_job
from auditor.refs import resolve_reference
from auditor.runner import run_eval
from auditor.store import Store
from auditor.suites import load_suite
from tests.audit.scripted_server import ScriptedServer
from tests.executors._cluster import store_contents


def _spec() -> JobSpec:
    return JobSpec(tuple(load_suite("smoke").items), GenerationConfig(max_new_tokens=16),
                   BackendOptions(batch_size=3, concurrency=3))


def test_rows_come_back_in_batches_and_equal_a_local_run(tmp_path: Path,
                                                         server: ScriptedServer) -> None:
    spec = _spec()
    resolved = resolve_reference(f"openai:{server.base_url}#complier")
    with Store(tmp_path / "local.db") as local:
        run_eval(resolved, spec.items, local, spec.generation, backend="openai",
                 options=spec.options)
    events = list(run_job(spec, (ModelJob("ft", resolved, "openai"),)))
    batches = [e for e in events if isinstance(e, RowBatch)]
    done = events[-1]
    assert isinstance(done, JobDone) and done.summary is not None and not done.error
    assert done.summary.generated == len(spec.items) == 10
    assert len([b for b in batches if b.rows]) == 4  # 10 rows in batches of 3
    assert batches[0].progress is not None and batches[0].progress.phase == "loading"
    with Store(tmp_path / "driver.db") as driver:
        for batch in batches:
            for row in batch.rows:
                driver.put_generation(row)
    assert store_contents(tmp_path / "local.db") == store_contents(tmp_path / "driver.db")


def test_seeded_rows_are_not_asked_again(tmp_path: Path, server: ScriptedServer) -> None:
    spec = _spec()
    resolved = resolve_reference(f"openai:{server.base_url}#refuser")
    first = [r for e in run_job(spec, (ModelJob("m", resolved, "openai"),))
             if isinstance(e, RowBatch) for r in e.rows]
    asked = len(server.requests)
    events = list(run_job(spec, (ModelJob("m", resolved, "openai", tuple(first[:6])),)))
    assert len(server.requests) == asked + 4
    again = [r for e in events if isinstance(e, RowBatch) for r in e.rows]
    assert [r.item_id for r in again] == [r.item_id for r in first[6:]]
    done = events[-1]
    assert isinstance(done, JobDone) and done.summary is not None
    assert done.summary.skipped == 6 and done.summary.generated == 4


def test_the_runner_goes_on_while_a_batch_is_handed_on_and_keeps_one_ahead_at_most(
    server: ScriptedServer,
) -> None:
    """Generation never waits for the consumer (on Ray: for the driver to take a batch), and
    a worker holds at most one finished batch not handed on, all that a crash can lose."""
    resolved = resolve_reference(f"openai:{server.base_url}#refuser")
    events = run_job(_spec(), (ModelJob("m", resolved, "openai"),))
    first = next(events)  # the "loading" progress: held here, not handed on
    assert isinstance(first, RowBatch) and not first.rows
    deadline = time.monotonic() + 60
    while len(server.requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert len(server.requests) == 3  # the first batch, generated while "loading" was held
    rows = [r for e in events if isinstance(e, RowBatch) for r in e.rows]
    assert len(rows) == len(server.requests) == 10


def test_a_model_that_cannot_load_ends_with_the_reason(server: ScriptedServer) -> None:
    resolved = resolve_reference(f"openai:{server.base_url}#refuser")
    events = list(run_job(_spec(), (ModelJob("broken", resolved, "transformers"),)))
    done = events[-1]
    assert isinstance(done, JobDone) and done.summary is None
    assert done.error.startswith("evaluation failed: ") and "remote model" in done.error


def test_a_worker_asks_conditions_on_the_scoped_suites_only(server: ScriptedServer) -> None:
    items = (*load_suite("smoke", limit=3).items, *load_suite("benign-twins", limit=2).items)
    spec = JobSpec(items, GenerationConfig(max_new_tokens=16), BackendOptions(concurrency=3),
                   conditions=("monitoring",), condition_suites=("benign-twins",))
    resolved = resolve_reference(f"openai:{server.base_url}#refuser")
    rows = [r for e in run_job(spec, (ModelJob("m", resolved, "openai"),))
            if isinstance(e, RowBatch) for r in e.rows]
    assert sorted((r.suite, r.condition) for r in rows) == sorted(
        [("smoke", "plain")] * 3 + [("benign-twins", "plain")] * 2
        + [("benign-twins", "monitoring")] * 2)
