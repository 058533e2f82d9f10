"""What a worker does: run the existing runner on its models and hand the rows back in batches.

The worker never writes the audit's store. It runs :func:`auditor.runner.run_eval` against a
private SQLite store in a temporary folder, seeded with the rows the driver already holds
for the model (so the runner skips them and rebuilds pressure conversations from them, as a
local resume does), and yields every row the runner stores, batch by batch, with the run's
progress. The driver writes those rows into the one store, so resume, reuse and the report
are those of a local run.

Generation never waits for the driver: a batch is handed to Ray (serialised and sent, which
takes a fraction of a millisecond in this process) while the next one is generated, and the
runner waits only when it has finished a batch before the previous one was handed on. A
crash of the worker therefore loses at most one finished batch besides the one it was
generating. (Waiting for the driver to take each batch, as this module first did, put a
round trip between two processes after every batch, about 2 ms on this project's shared
2-core machine and more under load, and at ``--concurrency 1`` a batch is one row: see
``bench/ray_overhead.py``.)

Nothing here imports Ray: :func:`run_job` is a plain generator, which Ray runs as a
streaming task (``auditor.executors._ray``) and a test can run in-process.
"""

from __future__ import annotations

import functools
import queue
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from auditor.backends import BackendOptions, GenerationConfig
from auditor.errors import AuditorError
from auditor.refs import ResolvedModel
from auditor.runner import RunProgress, RunSummary, run_eval
from auditor.store import GenerationRecord, Store
from auditor.suites import Item


@dataclass(frozen=True, slots=True)
class ModelJob:
    """One model for a worker: resolved on the driver, with the rows already stored for it."""

    target_id: str
    resolved: ResolvedModel
    backend: str
    stored: tuple[GenerationRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What every model of one audit shares: the items and how they are asked and judged."""

    items: tuple[Item, ...]
    generation: GenerationConfig
    options: BackendOptions
    conditions: tuple[str, ...] = ()
    condition_suites: tuple[str, ...] = ()  # the suites the conditions are asked on (): all
    judge: str = "heuristic"


@dataclass(frozen=True, slots=True)
class RowBatch:
    """Rows a worker stored since its last batch, and the run's progress after them."""

    target_id: str
    rows: tuple[GenerationRecord, ...]
    progress: RunProgress | None


@dataclass(frozen=True, slots=True)
class JobDone:
    """A model finished: its run summary, or why it could not be evaluated."""

    target_id: str
    summary: RunSummary | None
    error: str = ""


JobEvent = RowBatch | JobDone


class _RecordingStore(Store):
    """A private store that remembers every row the runner puts (the seed rows excluded).

    It is thrown away after its model, and the driver holds every row it sent: so it starts
    as a copy of an empty store (:func:`_empty_store`) and never waits for the disk."""

    def __init__(self, path: Path) -> None:
        path.write_bytes(_empty_store())
        super().__init__(path)
        with self._db("setting up"):
            self._conn.execute("PRAGMA synchronous = OFF")
        self.recording = False
        self.pending: list[GenerationRecord] = []

    def put_generation(self, record: GenerationRecord) -> int:
        generation_id = super().put_generation(record)
        if self.recording:
            self.pending.append(record)
        return generation_id

    def take(self) -> tuple[GenerationRecord, ...]:
        rows, self.pending = tuple(self.pending), []
        return rows


@functools.cache
def _empty_store() -> bytes:
    """An empty store's file, made once per worker process. Creating a store syncs the new
    file to disk several times (30 to 50 ms on this project's busy development machine),
    which every model would pay again; copying the bytes takes under a millisecond. A
    closed SQLite store in WAL mode is wholly in its one file."""
    with tempfile.TemporaryDirectory(prefix="auditor-worker-") as folder:
        path = Path(folder) / "empty.db"
        Store(path).close()
        return path.read_bytes()


def run_job(spec: JobSpec, jobs: tuple[ModelJob, ...]) -> Iterator[JobEvent]:
    """Evaluate each of ``jobs`` in turn (one base and its adapters share a worker), yielding
    each model's rows in batches as the runner stores them, then its :class:`JobDone`."""
    for job in jobs:
        yield from _run_one(spec, job)


class _Handoff:
    """The runner's events on their way to the generator, at most ``ahead`` of them not yet
    handed on: :meth:`put` waits while that many are (the runner then finished a batch
    before the one before it was handed on), :meth:`handed` is called once one was."""

    def __init__(self, ahead: int = 1) -> None:
        self.events: queue.Queue[JobEvent | None] = queue.Queue()
        self._free = threading.Semaphore(ahead)

    def put(self, event: JobEvent) -> None:
        self._free.acquire()
        self.events.put(event)

    def handed(self) -> None:
        self._free.release()

    def close(self) -> None:
        self.events.put(None)


def _run_one(spec: JobSpec, job: ModelJob) -> Iterator[JobEvent]:
    """The runner in a thread, its batches yielded here as they come. The runner goes on
    generating while a batch is handed on, and waits only to keep a single finished batch
    not handed on (see the module docstring)."""
    handoff = _Handoff()
    with tempfile.TemporaryDirectory(prefix="auditor-worker-") as folder:
        thread = threading.Thread(target=_evaluate, args=(spec, job, Path(folder), handoff),
                                  daemon=True)
        thread.start()
        while (event := handoff.events.get()) is not None:
            yield event
            handoff.handed()
        thread.join()


def _evaluate(spec: JobSpec, job: ModelJob, folder: Path, events: _Handoff) -> None:
    """The runner on one model (in a thread, so the generator can yield while it runs)."""
    from auditor.conditions import resolve_conditions
    from auditor.judges import get_judge

    try:
        store = _RecordingStore(folder / "worker.db")
        with store:
            for row in job.stored:
                store.put_generation(row)
            store.recording = True

            def batch(progress: RunProgress) -> None:
                rows = store.take()
                if rows or progress.phase != "generating":
                    events.put(RowBatch(job.target_id, rows, progress))

            summary = run_eval(job.resolved, spec.items, store, spec.generation,
                               backend=job.backend, options=spec.options, progress=batch,
                               conditions=resolve_conditions(spec.conditions,
                                                             spec.condition_suites),
                               judge=get_judge(spec.judge))
            rest = store.take()  # rows stored after the last progress report
            if rest:
                events.put(RowBatch(job.target_id, rest, None))
        events.put(JobDone(job.target_id, summary))
    except AuditorError as exc:
        events.put(JobDone(job.target_id, None, f"evaluation failed: {exc}"))
    finally:
        events.close()
