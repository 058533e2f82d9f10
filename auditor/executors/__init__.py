"""Executors: where an audit's models are evaluated.

``local`` (the default) runs them one after another in this process (``auditor/audit/
_evaluate.py``); ``ray`` fans them out over a Ray cluster (``--executor ray [--ray-address
ADDR]``): one task per model, or per base with its adapters, with resources from the memory
estimate; workers run the runner and return rows in batches, and the driver alone writes the
store, so resume, reuse and the report are those of a local run. Ray is an optional extra
(``pip install 'supply-chain-auditor[ray]'``), imported only when asked for.
"""

from auditor.executors._job import JobDone, JobSpec, ModelJob, RowBatch, run_job
from auditor.executors._plan import RemoteModel, Resources, WorkGroup, plan_groups
from auditor.executors._ray import RAY_EXTRA, ModelResult, RayCluster, import_ray, run_on_ray

EXECUTORS = ("local", "ray")

__all__ = [
    "EXECUTORS",
    "RAY_EXTRA",
    "JobDone",
    "JobSpec",
    "ModelJob",
    "ModelResult",
    "RayCluster",
    "RemoteModel",
    "Resources",
    "RowBatch",
    "WorkGroup",
    "import_ray",
    "plan_groups",
    "run_job",
    "run_on_ray",
]
