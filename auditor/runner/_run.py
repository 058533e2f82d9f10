"""``run_eval``: generate a suite's items with one model, committing each result as it comes."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from auditor.actions import calls_to_json
from auditor.backends import (
    UNSUPPORTED,
    Backend,
    BackendOptions,
    GenerationConfig,
    GenerationResult,
    load_backend,
)
from auditor.conditions import Condition
from auditor.errors import BackendCrashedError
from auditor.judges import Judge, get_judge
from auditor.refs import ModelIdentity, ResolvedModel
from auditor.runner._conversation import Conversations, pressure_items
from auditor.runner._work import WorkUnit, expand
from auditor.store import GenerationRecord, Store
from auditor.suites import Item

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunProgress:
    """Reported after loading and after each batch. ``phase``: loading | generating | done."""

    phase: str
    total: int  # generations this run must produce (stored ones excluded)
    done: int
    skipped: int  # already in the store
    errors: int
    completion_tokens: int
    elapsed: float  # seconds generating (model loading excluded)
    model: str

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did. ``identity`` is None when everything was already stored (no load)."""

    model: str
    identity: ModelIdentity | None
    suite: str
    gen_config_hash: str
    requested: int
    skipped: int
    generated: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    load_seconds: float
    generate_seconds: float
    stopped_early: bool
    unsupported: int = 0  # conditions the item or backend could not take (recorded, not errors)

    @property
    def tokens_per_second(self) -> float:
        if self.generate_seconds <= 0:
            return 0.0
        return self.completion_tokens / self.generate_seconds


ProgressCallback = Callable[[RunProgress], None]


def run_eval(
    resolved: ResolvedModel,
    items: Iterable[Item],
    store: Store,
    config: GenerationConfig,
    *,
    suite: str = "",
    backend: str | Backend = "auto",
    options: BackendOptions | None = None,
    progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    conditions: Sequence[Condition] = (),
    judge: Judge | None = None,
) -> RunSummary:
    """Generate every (item, framing, condition, sample) not yet stored for this model and
    config: the plain conversation, and each of ``conditions`` besides.

    Items with a pressure script (the ``pressure`` suite) go on as conversations after their
    first turn: each later turn is asked while ``judge`` (default: the heuristic judge) finds
    the answers not harmful, and judged as it comes (:mod:`auditor.runner._conversation`).

    The model is loaded once, and only when something is left to generate. Each result is
    committed as soon as its batch returns, so a killed run resumes where it stopped.
    ``backend`` is a name (``auto``, ``transformers``...) or an already loaded backend (the
    caller then owns it). ``should_stop()`` is checked between batches (early stopping).
    Failed requests are stored with ``error`` set and retried by the next run. When the
    backend's worker process dies, :class:`BackendCrashedError` names the item being decoded;
    everything generated before it stays stored.
    """
    items = list(items)
    units = expand(items, config, conditions)
    model = resolved.key
    done = store.done_keys(model, config.hash)
    todo = [u for u in units if u.key(model, config.hash) not in done]
    skipped = len(units) - len(todo)
    talks = (Conversations(items, config, conditions, store, model, judge or get_judge())
             if pressure_items(items) else None)
    counters = _Counters(total=len(todo) + (talks.turns_left if talks else 0),
                         skipped=skipped + (talks.restored if talks else 0), model=model)
    if not todo and not (talks and talks.open):
        log.info("%s: all %d generations already stored", model, counters.skipped)
        counters.report(progress, "done")
        return counters.summary(None, suite, config, counters.skipped, 0.0, False)
    counters.report(progress, "loading")
    started = time.perf_counter()
    owned = isinstance(backend, str)
    loaded = load_backend(resolved, backend, options) if isinstance(backend, str) else backend
    load_seconds = time.perf_counter() - started
    try:
        run = _Pass(loaded, store, config, suite, counters, progress, should_stop)
        counters.start()
        stopped = run.in_batches(todo)
        first_turns = counters.done
        if talks and not stopped:
            talks.resume()  # on from the first turns the single pass just stored
            stopped = _converse(run, talks)
    finally:
        if owned:
            loaded.close()
    counters.report(progress, "done")
    later_turns = (talks.restored if talks else 0) + counters.done - first_turns
    return counters.summary(loaded.identity, suite, config, len(units) + later_turns,
                            load_seconds, stopped)


def _converse(run: _Pass, talks: Conversations) -> bool:
    """Ask the conversations' later turns round by round (every open one's next turn in
    batches), judging each answer before the next turn; True when stopped early."""
    while units := talks.next_round():
        if run.in_batches(units, after_batch=talks.record):
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Pass:
    """What every batch of one run shares: the loaded backend, where its rows go, how they
    are counted and reported, and the early-stop check."""

    backend: Backend
    store: Store
    config: GenerationConfig
    suite: str
    counters: _Counters
    progress: ProgressCallback | None
    should_stop: Callable[[], bool] | None

    def in_batches(
        self,
        units: Sequence[WorkUnit],
        *,
        after_batch: Callable[[Sequence[WorkUnit]], None] | None = None,
    ) -> bool:
        """Generate ``units`` in batches of the backend's size, counting and reporting each
        batch (then ``after_batch`` of it); True when ``should_stop`` stopped it early."""
        identity_json = self.backend.identity.to_json()
        size = max(1, self.backend.batch_size)
        for start in range(0, len(units), size):
            if self.should_stop is not None and self.should_stop():
                log.info("stopping early after %d generations", self.counters.done)
                return True
            batch = units[start : start + size]
            for result in generate_batch(self.backend, batch, self.store, self.config,
                                         suite=self.suite, identity_json=identity_json):
                self.counters.add(result)
            if after_batch is not None:
                after_batch(batch)
            self.counters.report(self.progress, "generating")
        return False


def generate_batch(
    backend: Backend,
    units: Sequence[WorkUnit],
    store: Store,
    config: GenerationConfig,
    *,
    suite: str = "",
    identity_json: str | None = None,
) -> list[GenerationResult]:
    """Generate ``units`` in one call to ``backend`` and commit each result; return them.

    The seam for runners that build their own units, e.g. one conversation over several
    turns: turn ``k``'s units carry the model's earlier replies in their messages and
    ``turn=k``, and :meth:`Store.find_generation` reads a stored turn back on resume. A unit
    marked ``unsupported`` is stored as that outcome without asking the model.
    """
    identity_json = identity_json or backend.identity.to_json()
    asked = [u for u in units if not u.unsupported]
    try:
        answers = iter(backend.generate([u.request for u in asked], config) if asked else [])
    except BackendCrashedError as crash:  # every earlier batch is already committed
        raise crash.at_item(asked[0].item.id) from None
    results = []
    for unit in units:
        result = (GenerationResult.unsupported(unit.unsupported, unit.prompt_json)
                  if unit.unsupported else next(answers))
        store.put_generation(_record(unit, result, backend, identity_json, config, suite))
        results.append(result)
    return results


def _record(
    unit: WorkUnit,
    result: GenerationResult,
    backend: Backend,
    identity_json: str,
    config: GenerationConfig,
    suite: str,
) -> GenerationRecord:
    return GenerationRecord(
        model=backend.identity.key,
        identity_json=identity_json,
        suite=suite or unit.item.suite,
        item_id=unit.item.id,
        item_hash=unit.item.content_hash,
        category=unit.item.category,
        expected=str(unit.item.expected),
        framing=unit.framing,
        gen_config_hash=config.hash,
        gen_config_json=config.to_json(),
        sample=unit.sample,
        condition=unit.condition,
        turn=unit.turn,
        seed=unit.seed,
        prompt_json=unit.prompt_json,
        prompt_text=result.prompt_text,
        response=result.response,
        reasoning=result.reasoning,
        finish_reason=result.finish_reason,
        error=result.error,
        n_prompt_tokens=result.n_prompt_tokens,
        n_completion_tokens=result.n_completion_tokens,
        tool_calls_json=calls_to_json(result.tool_calls) if result.tool_prompt else "",
        tool_prompt=result.tool_prompt,
    )


class _Counters:
    """Mutable tallies behind the frozen progress and summary records."""

    def __init__(self, total: int, skipped: int, model: str) -> None:
        self.total, self.skipped, self.model = total, skipped, model
        self.done = self.errors = self.prompt_tokens = self.completion_tokens = 0
        self.unsupported = 0
        self._t0: float | None = None

    def start(self) -> None:
        self._t0 = time.perf_counter()  # once: the conversation rounds go on the same clock

    @property
    def elapsed(self) -> float:
        return 0.0 if self._t0 is None else time.perf_counter() - self._t0

    def add(self, result: GenerationResult) -> None:
        self.done += 1
        if result.finish_reason == UNSUPPORTED:
            self.unsupported += 1
            return
        self.errors += bool(result.error)
        self.prompt_tokens += result.n_prompt_tokens
        self.completion_tokens += result.n_completion_tokens

    def report(self, progress: ProgressCallback | None, phase: str) -> None:
        if progress is not None:
            progress(RunProgress(phase, self.total, self.done, self.skipped, self.errors,
                                 self.completion_tokens, self.elapsed, self.model))

    def summary(self, identity: ModelIdentity | None, suite: str, config: GenerationConfig,
                requested: int, load_seconds: float, stopped: bool) -> RunSummary:
        return RunSummary(
            model=self.model, identity=identity, suite=suite, gen_config_hash=config.hash,
            requested=requested, skipped=self.skipped, generated=self.done, errors=self.errors,
            prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens,
            load_seconds=load_seconds, generate_seconds=self.elapsed, stopped_early=stopped,
            unsupported=self.unsupported,
        )


def units_for(
    items: Sequence[Item], config: GenerationConfig, conditions: Sequence[Condition] = ()
) -> int:
    """How many generations ``items`` ask for under ``config`` (framings x conditions with
    the plain one x samples)."""
    return len(expand(items, config, conditions))
