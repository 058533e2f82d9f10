"""A local Ray cluster for executor tests: 2 CPUs, no dashboard, the crashing backend
registered in every worker; skipped with the reason when the ``ray`` extra is missing."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from auditor.backends import register_backend
from auditor.executors import RayCluster
from auditor.store import Store
from tests.backends.crashing_backend import CrashingBackend


def register_crashing() -> None:
    """Ray's worker setup hook: the crashing backend, run in the Ray worker itself (no child
    process), so its crash kills the worker mid-task."""
    register_backend("crashing", CrashingBackend, in_worker=False)


def local_cluster() -> RayCluster:
    """2 CPUs, the crashing backend in every worker, answering 4 requests before it dies."""
    return RayCluster(num_cpus=2,
                      runtime_env={"worker_process_setup_hook": f"{__name__}.register_crashing",
                                   "env_vars": {"CRASH_AFTER": "4"}})


def store_contents(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every stored generation and verdict, row by row, without ids and timestamps (a
    verdict named by its generation's key), sorted: equal for equal stores."""
    with Store(path, readonly=True) as store:
        keys = {}
        rows = []
        for g in store.generations():
            keys[g.id] = g.key
            rows.append(tuple(sorted((k, repr(v)) for k, v in dataclasses.asdict(g).items()
                                     if k not in {"id", "created_at"})))
        verdicts = [tuple(sorted((k, repr(v)) for k, v in dataclasses.asdict(v).items()
                                 if k not in {"id", "generation_id", "created_at"}))
                    + (repr(keys[v.generation_id]),) for v in store.all_verdicts()]
    return sorted(rows), sorted(verdicts)

