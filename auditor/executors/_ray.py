"""Fan-out over Ray: one streaming task per work group, the rows written by the driver alone.

Each group runs :func:`auditor.executors._job.run_job` as a Ray streaming generator with the
group's resources. A driver thread per group follows its stream and hands every event to
the calling thread, which alone writes the store: a batch of rows as it arrives (so a killed
audit resumes from what was written), the progress, each model's summary. A worker that
dies (node lost, out of memory, native crash) gets one retry, seeded with what the store
holds by then (it resumes, as a local re-run does); a second death leaves its unfinished
models *not audited* with Ray's reason.

Ray is an optional extra: it is imported here only, and its absence is one clear error.
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from auditor.errors import BackendUnavailableError, UsageError
from auditor.executors._job import JobDone, JobEvent, JobSpec, ModelJob, RowBatch, run_job
from auditor.executors._plan import REMOTE_CPUS, RemoteModel, WorkGroup, plan_groups
from auditor.runner import RunProgress, RunSummary
from auditor.store import Store

log = logging.getLogger(__name__)

RAY_EXTRA = "pip install 'supply-chain-auditor[ray]'"
RETRIES = 1
# A local cluster on a small, busy machine starts slowly; Ray's own waits are shorter.
_SLOW_START = {"RAY_raylet_start_wait_time_s": "120", "RAY_agent_register_timeout_ms": "180000",
               "RAY_worker_register_timeout_seconds": "120"}

ProgressSink = Callable[[str, RunProgress], None]


@dataclass(frozen=True, slots=True)
class ModelResult:
    """How one model ended on the cluster: its summary, or the reason it is not audited."""

    summary: RunSummary | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class _Lost:
    """A group's stream broke: Ray's reason, and whether the worker died (worth a retry)."""

    group: int
    reason: str
    died: bool


def import_ray() -> ModuleType:
    """The ``ray`` module, or an error naming the extra that installs it."""
    try:
        import ray
    except ImportError:
        raise BackendUnavailableError(f"--executor ray needs Ray: {RAY_EXTRA}") from None
    return ray


class RayCluster:
    """The cluster to use: the one this process is already connected to, the one at
    ``address``, or else a local one started here (and shut down on exit).

    ``init`` goes to ``ray.init`` as it is (``num_cpus``, ``runtime_env``...). Starting a
    local cluster on a loaded machine can miss Ray's own 30 s wait: it is tried twice.
    """

    def __init__(self, address: str | None = None, **init: Any) -> None:
        self.address, self.init, self._started = address, init, False

    def __enter__(self) -> ModuleType:
        ray = import_ray()
        if ray.is_initialized():
            return ray
        if not self.address:
            for name, value in _SLOW_START.items():
                os.environ.setdefault(name, value)
        for attempt in (1, 2):
            try:
                ray.init(address=self.address or None, include_dashboard=False,
                         logging_level=logging.WARNING, log_to_driver=False, **self.init)
                break
            except Exception as exc:  # noqa: BLE001 - Ray raises bare Exception on a timeout
                ray.shutdown()
                where = f"at {self.address}" if self.address else "on this machine"
                if attempt == 2 or self.address:
                    raise UsageError(f"cannot start or reach a Ray cluster {where}: "
                                     f"{_first_line(exc)}") from None
                log.warning("Ray did not start (%s); trying once more", _first_line(exc))
        self._started = True
        return ray

    def __exit__(self, *exc: object) -> None:
        if self._started:
            import_ray().shutdown()


def run_on_ray(
    models: Sequence[RemoteModel],
    spec: JobSpec,
    store: Store,
    *,
    address: str | None = None,
    progress: ProgressSink | None = None,
    remote_cpus: float = REMOTE_CPUS,
) -> dict[str, ModelResult]:
    """Evaluate ``models`` on a Ray cluster, writing their rows into ``store`` as they come;
    every model gets a :class:`ModelResult`. ``remote_cpus``: the CPU share a worker for a
    remotely served model asks for (it sets how many run at once per CPU)."""
    groups = plan_groups(list(models), spec.options, remote_cpus)
    with RayCluster(address) as ray:
        return _Dispatch(ray, spec, store, groups, progress).run()


class _Dispatch:
    """The driver's side of one fan-out: submit, follow, write, retry."""

    def __init__(self, ray: ModuleType, spec: JobSpec, store: Store, groups: list[WorkGroup],
                 progress: ProgressSink | None) -> None:
        self.ray, self.spec, self.store, self.groups = ray, spec, store, groups
        self.progress = progress
        self.events: queue.Queue[tuple[int, JobEvent | _Lost | None]] = queue.Queue()
        self.results: dict[str, ModelResult] = {}
        self.tries = [0] * len(groups)
        self.task = _remote_job(ray)
        self.shared = ray.put(spec)  # sent once, not with every task
        self.nodes: list[dict[str, Any]] = []

    def run(self) -> dict[str, ModelResult]:
        running = 0
        self.nodes = self.ray.nodes()
        for index in range(len(self.groups)):
            running += self._submit(index)
        while running:
            index, event = self.events.get()
            if event is None:
                running -= 1
            elif isinstance(event, RowBatch):
                for row in event.rows:
                    self.store.put_generation(row)
                if event.progress is not None and self.progress is not None:
                    self.progress(event.target_id, event.progress)
            elif isinstance(event, JobDone):
                self.results[event.target_id] = ModelResult(event.summary, event.error)
            else:
                running += self._lost(event)
        return self.results

    def _submit(self, index: int) -> int:
        """Start group ``index`` (its unfinished models, seeded from the store); 1 if started."""
        group = self.groups[index]
        jobs = tuple(self._job(m) for m in group.models if m.target_id not in self.results)
        if not jobs:
            return 0
        missing = self._unschedulable(group)
        if missing:
            for job in jobs:
                self.results[job.target_id] = ModelResult(None, missing)
            return 0
        self.tries[index] += 1
        need = group.resources
        # no streaming backpressure: a worker never waits for the driver (auditor.executors._job)
        options: dict[str, Any] = {"num_cpus": need.num_cpus, "num_gpus": need.num_gpus}
        if need.memory:
            options["memory"] = need.memory
        stream = self.task.options(**options).remote(self.shared, jobs)
        threading.Thread(target=self._follow, args=(index, stream), daemon=True).start()
        log.info("dispatched %s to Ray (try %d)", group.label, self.tries[index])
        return 1

    def _job(self, model: RemoteModel) -> ModelJob:
        rows = tuple(r for r in self.store.generations(model=model.resolved.key)
                     if r.gen_config_hash == self.spec.generation.hash)
        return ModelJob(model.target_id, model.resolved, model.backend, rows)

    def _follow(self, index: int, stream: Iterator[Any]) -> None:
        """Hand a group's events to the driver's thread (runs in a thread of its own)."""
        try:
            for ref in stream:
                self.events.put((index, self.ray.get(ref)))
        except self.ray.exceptions.RayTaskError as exc:  # the job raised: not a dead worker
            self.events.put((index, _Lost(index, _first_line(exc), died=False)))
        except self.ray.exceptions.RayError as exc:
            self.events.put((index, _Lost(index, _first_line(exc), died=True)))
        finally:
            self.events.put((index, None))

    def _lost(self, lost: _Lost) -> int:
        group = self.groups[lost.group]
        if lost.died and self.tries[lost.group] <= RETRIES:
            log.warning("a Ray worker died evaluating %s (%s); retrying", group.label,
                        lost.reason)
            self.nodes = self.ray.nodes()  # the node may be gone with it
            return self._submit(lost.group)
        why = (f"its Ray worker died {self.tries[lost.group]} times: {lost.reason}"
               if lost.died else f"evaluation failed on a Ray worker: {lost.reason}")
        for model in group.models:
            self.results.setdefault(model.target_id, ModelResult(None, why))
        return 0

    def _unschedulable(self, group: WorkGroup) -> str:
        """Why no node of the cluster can ever run ``group`` ("" when one can): Ray would
        otherwise wait for such a task forever."""
        need = group.resources
        for node in self.nodes:
            have = node.get("Resources", {}) if node.get("Alive") else {}
            if (have.get("CPU", 0) >= need.num_cpus and have.get("GPU", 0) >= need.num_gpus
                    and have.get("memory", 0) >= need.memory):
                return ""
        return (f"no node of the Ray cluster has {need.num_cpus:g} CPU, {need.num_gpus:g} GPU "
                f"and {need.memory / 1024**3:.1f} GiB of memory free for it")


@functools.cache
def _remote_job(ray: ModuleType) -> Any:
    """:func:`run_job` as a Ray task, made once per process: each ``ray.remote`` is a new
    function that every worker would fetch from the cluster again. No retries by Ray: ours
    reseed the task with what the store holds."""
    return ray.remote(max_retries=0)(run_job)


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:297] + "..."


__all__ = ["ModelResult", "RayCluster", "import_ray", "run_on_ray"]
