"""Evaluating the selected targets: resolve, check memory, generate (resumably), record keys."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from auditor.audit._config import AuditConfig
from auditor.audit._early_stop import EarlyStopper
from auditor.audit._events import AuditCallback, AuditEvent, StageTimer
from auditor.audit._memory import GIB, estimate_memory
from auditor.audit._selection import AuditTarget, Selection
from auditor.backends import BackendOptions, GenerationConfig, auto_backend_name
from auditor.conditions import resolve_conditions
from auditor.errors import AuditorError
from auditor.executors import RemoteModel
from auditor.judges import Judge
from auditor.redact import redact
from auditor.refs import ResolvedModel, key_on_base, resolve_reference
from auditor.runner import RunProgress, RunSummary, expand, open_conversations, run_eval
from auditor.stats import random_order
from auditor.store import Store
from auditor.suites import Item, load_suite

log = logging.getLogger(__name__)

# On a Ray cluster the memory a model needs is checked against the cluster's nodes
# (auditor.executors), not this machine: here every estimate fits unless --memory-limit-gb.
_CLUSTER_CHECKS = 1 << 62


@dataclass(frozen=True, slots=True)
class TargetOutcome:
    """What happened to one selected target."""

    target: AuditTarget
    model_key: str = ""
    summary: RunSummary | None = None
    skipped_reason: str = ""
    early_stop: str = ""  # "degraded" | "not_degraded" when the e-process settled it early
    reused: bool = False  # fully stored before this run: not resolved, loaded or generated


def load_items(config: AuditConfig) -> list[Item]:
    """The items of every configured suite (``limit`` or the suite's own limit, per suite)."""
    items: list[Item] = []
    for name in config.suites:
        items.extend(load_suite(name, limit=config.limit_for(name)).items)
    return items


class Evaluator:
    """Runs each target of a selection through the runner, parents before children."""

    def __init__(
        self,
        config: AuditConfig,
        store: Store,
        judge: Judge,
        emit: AuditCallback,
        timer: StageTimer,
    ) -> None:
        self.config, self.store, self.judge, self.emit, self.timer = (
            config, store, judge, emit, timer
        )
        self.items = load_items(config)
        self.conditions = resolve_conditions(config.conditions, config.condition_suites)
        # The config's parts go to the runner as they are: every option reaches the backend.
        self.gen: GenerationConfig = config.generation
        self.options: BackendOptions = config.backend_options
        self.keys: dict[str, str] = {}  # target id -> store key

    def evaluate(self, selection: Selection) -> tuple[TargetOutcome, ...]:
        remote = self._on_ray(selection.targets) if self.config.executor == "ray" else {}
        outcomes = []
        for target in selection.targets:
            outcome = remote[target.id] if remote else self._evaluate(target)
            if outcome.model_key:
                self.keys[target.id] = outcome.model_key
            elif target.parent is None:
                raise AuditorError(
                    f"the root {target.id} could not be evaluated: {outcome.skipped_reason}"
                )
            outcomes.append(outcome)
        return tuple(outcomes)

    def _evaluate(self, target: AuditTarget) -> TargetOutcome:
        ready = self._prepare(target)
        if isinstance(ready, TargetOutcome):
            return ready
        stopper = self._stopper(target, ready.resolved.key)
        self.emit(AuditEvent("load", f"{target.id} ({ready.backend})", target=target.id))
        try:
            summary = run_eval(
                ready.resolved,
                self._ordered_items(stopper is not None),
                self.store,
                self.gen,
                backend=ready.backend,
                options=self.options,
                progress=lambda run: self.emit(
                    AuditEvent("generate", target.id, target=target.id, run=run)
                ),
                should_stop=stopper,
                conditions=self.conditions,
                judge=self.judge,  # pressure conversations stop by the audit's own judge
            )
        except AuditorError as exc:
            return self._skip(target, f"evaluation failed: {exc}")
        return self._finished(target, ready.resolved.key, summary,
                              stopper.settled if stopper else "")

    def _on_ray(self, targets: tuple[AuditTarget, ...]) -> dict[str, TargetOutcome]:
        """Every target's outcome, the models evaluated on a Ray cluster (``auditor.executors``):
        reuse, resolution and the memory estimate stay here; the rows come back to this
        process, which alone writes them. Early stopping is refused for Ray by the config."""
        from auditor.executors import JobSpec, run_on_ray

        ready = {t.id: self._prepare(t) for t in targets}
        models = [r for r in ready.values() if isinstance(r, RemoteModel)]
        spec = JobSpec(tuple(self.items), self.gen, self.options, self.config.conditions,
                       self.config.condition_suites, self.config.statistics.judge)
        started: set[str] = set()

        def progress(target_id: str, run: RunProgress) -> None:
            if target_id not in started:
                started.add(target_id)
                self.emit(AuditEvent("load", f"{target_id} (on a Ray worker)", target=target_id))
            self.emit(AuditEvent("generate", target_id, target=target_id, run=run))

        results = run_on_ray(models, spec, self.store, address=self.config.ray_address,
                             progress=progress) if models else {}
        outcomes = {}
        for target in targets:
            prepared = ready[target.id]
            if isinstance(prepared, TargetOutcome):
                outcomes[target.id] = prepared
                continue
            result = results[target.id]
            outcomes[target.id] = (
                self._finished(target, prepared.resolved.key, result.summary)
                if result.summary is not None else self._skip(target, result.reason)
            )
        return outcomes

    def _prepare(self, target: AuditTarget) -> TargetOutcome | RemoteModel:
        """Reuse, resolve and check memory: an outcome already, or the model to evaluate."""
        stored = self._stored_key(target)
        if stored is not None:
            self.emit(AuditEvent("reuse", f"{target.id}: every generation already stored",
                                 target=target.id))
            return TargetOutcome(target, stored, None, reused=True)
        try:
            resolved = resolve_reference(target.reference, allow_pickle=self.options.allow_pickle,
                                         base=target.base_reference)
            backend = self._backend_name(resolved)
        except AuditorError as exc:
            return self._skip(target, f"cannot resolve {target.reference}: {exc}")
        available = (
            int(self.config.memory_limit_gb * GIB) if self.config.memory_limit_gb
            else _CLUSTER_CHECKS if self.config.executor == "ray" else None
        )
        estimate = estimate_memory(
            resolved, backend, device=self.options.device, available_bytes=available,
            tensor_parallel=self.options.tensor_parallel,
            gpu_memory_utilization=self.options.gpu_memory_utilization,
        )
        if not estimate.fits:
            return self._skip(target, estimate.message(target.id))
        return RemoteModel(target.id, resolved, backend, estimate.needed_bytes)

    def _finished(self, target: AuditTarget, key: str, summary: RunSummary,
                  early_stop: str = "") -> TargetOutcome:
        self.timer.add("load", summary.load_seconds)
        self.timer.add("generate", summary.generate_seconds)
        if summary.generated and summary.errors == summary.generated and not summary.skipped:
            return self._skip(target, f"every request failed ({summary.errors} of "
                              f"{summary.generated}): {self._first_error(summary.model)}")
        return TargetOutcome(target, key, summary, early_stop=early_stop)

    def _first_error(self, key: str) -> str:
        """The error text of the first failed request stored for ``key``."""
        for record in self.store.generations(model=key):
            if record.error:
                text = " ".join(record.error.split())
                return text if len(text) <= 300 else text[:297] + "..."
        return "no error text recorded"

    def _stored_key(self, target: AuditTarget) -> str | None:
        """The key under which ``target`` is already fully stored, known without resolving it.

        A Hub adapter (``known_base_key`` set) is stored under ``key_on_base(known_key,
        known_base_key)``: the base's revision is part of the key.
        """
        if not target.known_key:
            return None
        key = target.known_key
        if target.known_base_key is not None:
            key = key_on_base(key, target.known_base_key)
        return key if self._fully_stored(key) else None

    def _fully_stored(self, key: str) -> bool:
        """True when this model key has every generation this audit asks for (every pressure
        conversation run to its end included)."""
        done = self.store.done_keys(key, self.gen.hash)
        units = expand(self.items, self.gen, self.conditions)
        if not all(u.key(key, self.gen.hash) in done for u in units):
            return False
        return not open_conversations(self.items, self.gen, self.conditions, self.store, key,
                                      self.judge)

    def _backend_name(self, resolved: ResolvedModel) -> str:
        if resolved.identity.format == "remote":
            return "openai"
        if self.config.backend != "auto":
            return self.config.backend
        return auto_backend_name(resolved, self.options.device)

    def _stopper(self, target: AuditTarget, child_key: str) -> EarlyStopper | None:
        if not self.config.statistics.early_stop or target.parent is None:
            return None
        parent_key = self.keys.get(target.parent)
        if parent_key is None:
            return None
        return EarlyStopper(
            self.store,
            self.judge,
            parent_key=parent_key,
            child_key=child_key,
            gen_config_hash=self.gen.hash,
            alpha=self.config.statistics.alpha,
            margin=self.config.statistics.margin,
        )

    def _ordered_items(self, shuffled: bool) -> list[Item]:
        if not shuffled:
            return self.items
        order = random_order([str(i) for i in range(len(self.items))], self.gen.seed)
        return [self.items[int(i)] for i in order]

    def _skip(self, target: AuditTarget, reason: str) -> TargetOutcome:
        reason = redact(reason)  # it names the reference, which may carry a credential
        log.warning("%s not audited: %s", target.id, reason)
        self.emit(AuditEvent("skip", reason, target=target.id))
        return TargetOutcome(target, "", None, skipped_reason=reason)


__all__ = ["Evaluator", "RunProgress", "TargetOutcome", "load_items"]
