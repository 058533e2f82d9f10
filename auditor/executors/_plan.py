"""Which models share a worker, and what each worker asks the cluster for.

A PEFT adapter is grouped with its base (and the base's other adapters): one worker then
holds the base's files and, with a backend that serves adapters on a loaded base, the base
itself. Everything else is a group of one. A group asks for the most any of its models
needs: the memory estimate made before loading (``auditor/audit/_memory.py``), a GPU when the
audit runs on one, one CPU (or ``--threads``) for a local model and a fraction of one for a
model served remotely (its worker mostly waits on the server).
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.backends import BackendOptions
from auditor.refs import ResolvedModel

REMOTE_CPUS = 0.25  # a worker that sends requests to a server mostly waits


@dataclass(frozen=True, slots=True)
class RemoteModel:
    """One model to evaluate on the cluster: resolved on the driver, with its memory need."""

    target_id: str
    resolved: ResolvedModel
    backend: str
    memory_bytes: int = 0


@dataclass(frozen=True, slots=True)
class Resources:
    """What one worker asks Ray for."""

    num_cpus: float
    num_gpus: float = 0.0
    memory: int = 0  # bytes

    def merged(self, other: Resources) -> Resources:
        return Resources(max(self.num_cpus, other.num_cpus), max(self.num_gpus, other.num_gpus),
                         max(self.memory, other.memory))


@dataclass(frozen=True, slots=True)
class WorkGroup:
    """Models evaluated one after another by one worker."""

    models: tuple[RemoteModel, ...]
    resources: Resources

    @property
    def label(self) -> str:
        return ", ".join(m.target_id for m in self.models)


def resources_for(model: RemoteModel, options: BackendOptions,
                  remote_cpus: float = REMOTE_CPUS) -> Resources:
    """The worker resources ``model`` needs under the audit's backend options."""
    if model.resolved.identity.format == "remote":
        return Resources(num_cpus=remote_cpus)
    gpus = 1.0 if options.device.startswith("cuda") else 0.0
    return Resources(num_cpus=float(options.threads or 1), num_gpus=gpus,
                     memory=model.memory_bytes)


def plan_groups(models: list[RemoteModel], options: BackendOptions,
                remote_cpus: float = REMOTE_CPUS) -> list[WorkGroup]:
    """Adapters joined to their base's group (in selection order), every other model alone."""
    groups: dict[str, list[RemoteModel]] = {}
    for model in models:
        groups.setdefault(_share_key(model), []).append(model)
    planned = []
    for members in groups.values():
        needs = [resources_for(m, options, remote_cpus) for m in members]
        total = needs[0]
        for need in needs[1:]:
            total = total.merged(need)
        planned.append(WorkGroup(tuple(members), total))
    return planned


def _share_key(model: RemoteModel) -> str:
    """Models with one key share a worker: an adapter goes with its base, and two targets
    that are the same model (two nodes served by one endpoint) are evaluated once, as
    locally, where the second finds every row stored."""
    base = model.resolved.base
    return base.key if base is not None else model.resolved.key
