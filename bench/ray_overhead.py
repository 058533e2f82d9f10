"""Benchmark: the Ray executor (``--executor ray``) against the local run (issue 17).

Two measurements, one local Ray cluster (started once; its start-up is printed apart, since
a long-lived cluster pays it once):

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

Wall-clock figures on a shared machine vary with its load: the best of ``--repeats`` is used.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.audit import AuditConfig, run_audit  # noqa: E402
from auditor.backends import BackendOptions, GenerationConfig  # noqa: E402
from auditor.executors import JobSpec, RayCluster, RemoteModel, run_on_ray  # noqa: E402
from auditor.refs import resolve_reference  # noqa: E402
from auditor.store import Store  # noqa: E402
from auditor.suites import load_suite  # noqa: E402
from tests.audit.scripted_server import ScriptedServer  # noqa: E402

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


def _audit(folders: list[Path], server: ScriptedServer, work: Path, items: int,
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


def _fan_out(server: ScriptedServer, work: Path, models: int, items: int, workers: int) -> float:
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
            _fan_out(server, work, 8, 2, 8)  # warm-up: start the workers once
            local = min(_audit(folders, server, work, args.items, "local")
                        for _ in range(args.repeats))
            wide = min(_audit(folders, server, work, args.items, "ray")
                       for _ in range(args.repeats))
            seq = min(_sequential(server, work, 10, args.items) for _ in range(args.repeats))
            one = min(_fan_out(server, work, 10, args.items, 1) for _ in range(args.repeats))
            print(f"10-model family, {args.items} harm items each, {args.delay * 1000:.0f} ms per "
                  f"request:\n  whole audit: local {local:.2f} s | ray (default resources) "
                  f"{wide:.2f} s ({local / wide:.2f}x)\n  evaluate stage, "
                  f"one model at a time: local {seq:.2f} s | ray, 1 worker {one:.2f} s "
                  f"(overhead {100 * (one - seq) / seq:+.1f}%)")
            base = None
            for workers in (1, 2, 4, 8):
                took = min(_fan_out(server, work, 16, args.items, workers)
                           for _ in range(args.repeats))
                base = base or took
                print(f"  simulated cluster, {workers} worker(s): {took:.2f} s, speed-up "
                      f"{base / took:.2f}x (linear: {workers}x, efficiency "
                      f"{100 * base / took / workers:.0f}%)")


def _sequential(server: ScriptedServer, work: Path, models: int, items: int) -> float:
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
