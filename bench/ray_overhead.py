"""Benchmark: the Ray executor (``--executor ray``) against the local run (issue 17).

Two measurements, one local Ray cluster (started once; its start-up is printed apart, since
a long-lived cluster pays it once, and so are the workers' starts: each Ray run follows a
warm-up that has its N worker processes running, see ``_warm``):

1. overhead -- a 10-model scripted family (a root and 9 fine-tunes, each a distinct model of
   the scripted OpenAI-compatible server of the tests, a fixed delay per request standing
   in for generation, one request in flight per model). The whole audit by ``run_audit``,
   local and ``--executor ray`` (default resources: a remote model asks for 0.25 CPU, so
   many run at once); and the evaluate stage alone one model at a time, local ``run_eval``
   in turn against ``run_on_ray`` with ONE worker (sequential against sequential: the
   difference is what Ray adds: dispatch, the rows' trip back, the driver's writes).
   Target: overhead under 10% of the local wall time.
2. speed-up -- a simulated cluster: 16 scripted models, each request sleeping ``--delay``
   seconds on the server (concurrency 1 per worker), evaluated by ``run_on_ray`` with 1, 2,
   4 and 8 workers at once (each worker's CPU share set so that exactly N fit on the
   cluster's logical CPUs). Target: linear (time x workers constant).

    .venv/bin/python bench/ray_overhead.py [--items 20] [--delay 0.05] [--repeats 2]

Wall-clock figures on a shared machine vary with its load: local and Ray runs are interleaved
repeat by repeat, and the best and the median of ``--repeats`` are printed.

Measured on the project's shared 2-core development machine (other engineers' work on it),
20 items, 50 ms per request, best | median; before and after in one session, 4 repeats
each, alternating (load average 0.1 to 2):

- one-worker overhead: before +7.5% | +9.6% (workers waited for the driver after every
  batch and created a store file per model), after +4.8% | +5.0%;
- speed-up at 2, 4, 8 workers: before 2.03x, 3.77x, 6.87x; after 2.01x, 3.79x, 6.94x
  (best; 16 models: 18.53 s -> 17.79 s on one worker, 2.70 s -> 2.56 s on 8).

Under heavier load (load average 3 to 5.6, 5 repeats, after): overhead +1.9% | +8.7%, run
by run +0.3% to +13.1%; before, in such an hour, +10% | +17%. README "Scaling out" has
the table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.audit import AuditConfig, run_audit  # noqa: E402
from auditor.backends import BackendOptions, GenerationConfig  # noqa: E402
from auditor.executors import (  # noqa: E402
    JobSpec,
    RayCluster,
    RemoteModel,
    import_ray,
    run_on_ray,
)
from auditor.refs import resolve_reference  # noqa: E402
from auditor.store import Store  # noqa: E402
from auditor.suites import load_suite  # noqa: E402
from tests.audit.scripted_server import ScriptedServer  # noqa: E402
from tests.fixtures.openai_server import OpenAIServer  # noqa: E402

LOGICAL_CPUS = 8  # the simulated cluster's CPUs (Ray counts them; the work is waiting)


def _family(root: Path, n: int) -> list[Path]:
    folders = []
    for i in range(n):
        folder = root / ("base" if i == 0 else f"ft-{i}")
        folder.mkdir(parents=True)
        card = "---\nbase_model: base\nbase_model_relation: finetune\n---\n" if i else ""
        (folder / "README.md").write_text(card + f"# {folder.name}\n", encoding="utf-8")
        folders.append(folder)
    return folders


def _audit(folders: list[Path], server: OpenAIServer, work: Path, items: int,
           executor: str) -> float:
    overrides = tuple((f.name, f"openai:{server.base_url}#{'refuser' if i == 0 else f'ft-{i}'}")
                      for i, f in enumerate(folders))
    config = AuditConfig(local=tuple(folders), suites=("harm",), limit=items,
                         store=work / f"{executor}-{time.monotonic_ns()}.db",
                         out=work / f"report-{time.monotonic_ns()}", overrides=overrides,
                         concurrency=1, executor=executor)
    started = time.perf_counter()
    run_audit(config)
    return time.perf_counter() - started


def _fan_out(server: OpenAIServer, work: Path, models: int, items: int, workers: int) -> float:
    spec = _spec(items)
    remote = [RemoteModel(f"m{i}", resolve_reference(f"openai:{server.base_url}#model-{i}"),
                          "openai") for i in range(models)]
    with Store(work / f"fan-{workers}-{time.monotonic_ns()}.db") as store:
        started = time.perf_counter()
        results = run_on_ray(remote, spec, store, remote_cpus=LOGICAL_CPUS / workers)
        elapsed = time.perf_counter() - started
        assert all(r.summary is not None for r in results.values()), results
        assert store.count_generations() == models * items
    return elapsed


WORKERS = (1, 2, 4, 8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folders = _family(work / "family", 10)
        started = time.perf_counter()
        with RayCluster(num_cpus=LOGICAL_CPUS), ScriptedServer(delay=args.delay) as server:
            print(f"Ray cluster start: {time.perf_counter() - started:.1f} s")
            overhead: dict[str, list[float]] = {}
            scaling: dict[int, list[float]] = {}
            for _ in range(args.repeats):
                measure_overhead(folders, server, work, args.items, overhead)
                measure_speed_up(server, work, args.items, scaling)
            print(f"10-model family, {args.items} harm items each, {args.delay * 1000:.0f} ms per "
                  f"request, {args.repeats} repeats (best | median):")
            print_overhead(overhead)
            print_speed_up(scaling)


def measure_overhead(folders: list[Path], server: OpenAIServer, work: Path, items: int,
                     times: dict[str, list[float]]) -> None:
    """One repeat of the overhead runs, local and Ray interleaved so that a change in the
    machine's load falls on both; each Ray run follows a warm-up that starts its workers.
    The one-worker run comes before the whole audit on 10 workers: right after a burst of
    many workers, this 2-core machine ran it 3 to 8 points slower for a while (Ray's
    housekeeping as the idle workers go), which is not the executor's overhead."""
    times.setdefault("local", []).append(_audit(folders, server, work, items, "local"))
    times.setdefault("seq", []).append(_sequential(server, work, 10, items))
    _warm(1)
    times.setdefault("one", []).append(_fan_out(server, work, 10, items, 1))
    _warm(len(folders))
    times.setdefault("ray", []).append(_audit(folders, server, work, items, "ray"))


def measure_speed_up(server: OpenAIServer, work: Path, items: int,
                     times: dict[int, list[float]]) -> None:
    for workers in WORKERS:
        _warm(workers)
        times.setdefault(workers, []).append(_fan_out(server, work, 16, items, workers))


def _warm(workers: int) -> None:
    """Have ``workers`` Ray worker processes running, the executor imported in each: Ray
    stops idle workers after a while and starts at most a few at a time (2-4 s each here),
    a cost paid once per worker and audit, so it is counted apart, as the cluster's start is.
    Each task waits until all are running, so that they run on ``workers`` processes."""
    ray = import_ray()
    hold = ray.remote(_hold)
    with tempfile.TemporaryDirectory() as folder:
        ray.get([hold.options(num_cpus=LOGICAL_CPUS / workers).remote(folder, workers)
                 for _ in range(workers)], timeout=600)


def _hold(folder: str, workers: int) -> None:
    import auditor.executors  # noqa: F401 - what a worker imports for its first model

    Path(folder, str(os.getpid())).touch()
    deadline = time.monotonic() + 300
    while len(os.listdir(folder)) < workers and time.monotonic() < deadline:
        time.sleep(0.05)


def print_overhead(times: dict[str, list[float]]) -> None:
    local, wide, seq, one = (_best_median(times[k]) for k in ("local", "ray", "seq", "one"))
    print(f"  whole audit: local {_shown(local)} | ray (default resources) {_shown(wide)} "
          f"({local[0] / wide[0]:.2f}x | {local[1] / wide[1]:.2f}x)")
    print(f"  evaluate stage, one model at a time: local {_shown(seq)} | ray, 1 worker "
          f"{_shown(one)} (overhead {100 * (one[0] - seq[0]) / seq[0]:+.1f}% | "
          f"{100 * (one[1] - seq[1]) / seq[1]:+.1f}%)")
    pairs = sorted(100 * (o - s) / s for s, o in zip(times["seq"], times["one"], strict=True))
    print(f"  overhead repeat by repeat (Ray against the local run just before it): "
          f"{', '.join(f'{x:+.1f}%' for x in pairs)}")


def print_speed_up(times: dict[int, list[float]]) -> None:
    base = _best_median(times[1])
    for workers, took in times.items():
        best, median = _best_median(took)
        print(f"  simulated cluster, {workers} worker(s): {_shown((best, median))}, speed-up "
              f"{base[0] / best:.2f}x | {base[1] / median:.2f}x (linear: {workers}x, "
              f"efficiency {100 * base[0] / best / workers:.0f}% | "
              f"{100 * base[1] / median / workers:.0f}%)")


def _best_median(times: list[float]) -> tuple[float, float]:
    return min(times), statistics.median(times)


def _shown(best_median: tuple[float, float]) -> str:
    return f"{best_median[0]:.2f} s | {best_median[1]:.2f} s"


def _sequential(server: OpenAIServer, work: Path, models: int, items: int) -> float:
    """The local evaluate stage: each model through ``run_eval`` in turn, in this process."""
    from auditor.runner import run_eval

    spec = _spec(items)
    with Store(work / f"seq-{time.monotonic_ns()}.db") as store:
        started = time.perf_counter()
        for i in range(models):
            run_eval(resolve_reference(f"openai:{server.base_url}#model-{i}"), spec.items, store,
                     spec.generation, backend="openai", options=spec.options)
        return time.perf_counter() - started


def _spec(items: int) -> JobSpec:
    return JobSpec(tuple(load_suite("harm", limit=items).items),
                   GenerationConfig(max_new_tokens=16), BackendOptions(concurrency=1))


if __name__ == "__main__":
    main()
