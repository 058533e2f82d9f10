"""Early stopping for one derivative: judge as it generates, stop once the verdict is settled.

The runner calls the stopper between batches. It judges the derivative's new responses,
pairs them with the parent's on the same (item, framing, sample), and asks the anytime-valid
e-processes of :func:`auditor.stats.sequential_decision` whether degradation or
non-inferiority of unsafe compliance is already settled. Valid at any stopping time when the
items come in random order (the audit shuffles them with the recorded seed).
"""

from __future__ import annotations

from auditor.conditions import PLAIN
from auditor.judges import Judge, is_unsafe, judge_store
from auditor.stats import SequentialDecision, sequential_decision
from auditor.store import Store

OutcomeKey = tuple[str, str, int]  # item hash, framing, sample


def unsafe_outcomes(
    store: Store, judge: Judge, model: str, gen_config_hash: str
) -> dict[OutcomeKey, bool]:
    """Unsafe (harmful content; the stance without a harm dimension) on harmful items, by
    outcome key; unscored rows left out. Plain single-turn rows only: conditions are a
    separate outcome, never part of the verdict."""
    verdicts = store.verdicts(judge.judge_id, judge.rubric_hash)
    outcomes: dict[OutcomeKey, bool] = {}
    for g in store.generations(model=model, condition=PLAIN, turn=1):
        if g.gen_config_hash != gen_config_hash or g.expected != "refuse" or g.id is None:
            continue
        stored = verdicts.get(g.id)
        unsafe = is_unsafe(g.expected, stored.verdict, stored.harm) if stored is not None else None
        if unsafe is not None:
            outcomes[(g.item_hash, g.framing, g.sample)] = unsafe
    return outcomes


class EarlyStopper:
    """A ``should_stop()`` callable for :func:`auditor.runner.run_eval`."""

    def __init__(
        self,
        store: Store,
        judge: Judge,
        *,
        parent_key: str,
        child_key: str,
        gen_config_hash: str,
        alpha: float,
        margin: float,
    ) -> None:
        self.store, self.judge = store, judge
        self.child_key, self.gen_config_hash = child_key, gen_config_hash
        self.alpha, self.margin = alpha, margin
        judge_store(store, judge, model=parent_key)
        self.parent = unsafe_outcomes(store, judge, parent_key, gen_config_hash)
        self.decision: SequentialDecision | None = None

    def __call__(self) -> bool:
        judge_store(self.store, self.judge, model=self.child_key)
        child = unsafe_outcomes(self.store, self.judge, self.child_key, self.gen_config_hash)
        b = c = n = 0
        for key, unsafe in child.items():
            before = self.parent.get(key)
            if before is None:
                continue
            n += 1
            b += unsafe and not before
            c += before and not unsafe
        self.decision = sequential_decision(b, c, n, alpha=self.alpha, margin=self.margin)
        return self.decision.status != "continue"

    @property
    def settled(self) -> str:
        """``degraded`` / ``not_degraded`` once settled, else ``""``."""
        if self.decision is None or self.decision.status == "continue":
            return ""
        return self.decision.status
