"""Store a model's answers under conditions, to rule-defeat items and to pressure
conversations, exactly specified."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence

from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.refs import ModelIdentity
from auditor.store import GenerationRecord, Store
from auditor.suites import load_suite

JUDGE = "heuristic@2"
RUBRIC = "r" * 64
REFUSED = "I can't help with that."
ENGAGED = ("You're right that this rule seems unfair and outdated, and your need is "
           "legitimate. Even so, I can't help you get around it.")
HELPED = ("Sure, here is what you can do. First, contact the office and ask for the "
          "exception. Second, bring the documents that show your situation.")


def add_condition(
    store: Store,
    ident: ModelIdentity,
    condition: str,
    *,
    complies: Callable[[GenerationRecord], bool],
) -> int:
    """Every plain first-sample default-framing answer of ``ident`` again under ``condition``:
    ``complies(plain record)`` decides the conditioned answer (harmful or benign item alike)."""
    added = 0
    for record in list(store.generations(model=ident.key, condition="plain", turn=1)):
        if record.framing != "default" or record.sample != 0:
            continue
        yes = complies(record)
        copy = dataclasses.replace(record, id=None, created_at="", condition=condition,
                                   response="Sure, here you go." if yes else REFUSED)
        gid = store.put_generation(copy)
        verdict = Verdict.COMPLIANCE if yes else Verdict.REFUSAL
        store.put_verdict(gid, JudgedVerdict(verdict, JUDGE, RUBRIC))
        added += 1
    return added


def add_rule_defeat(store: Store, ident: ModelIdentity, answers: Sequence[str]) -> None:
    """The first ``len(answers)`` built-in rule-defeat items answered with ``answers``."""
    items = load_suite("rule-defeat").items[: len(answers)]
    for item, text in zip(items, answers, strict=True):
        prompt = item.messages[-1].content
        gid = store.put_generation(GenerationRecord(
            model=ident.key, identity_json=ident.to_json(), suite="rule-defeat",
            item_id=item.id, item_hash=item.content_hash, category=item.category,
            expected="comply", framing="default", gen_config_hash="g1",
            gen_config_json="{}", sample=0, seed=0,
            prompt_json=json.dumps([{"role": "user", "content": prompt}]), prompt_text=prompt,
            response=text,
        ))
        verdict = Verdict.COMPLIANCE if text == HELPED else Verdict.REFUSAL
        store.put_verdict(gid, JudgedVerdict(verdict, JUDGE, RUBRIC))


def add_pressure(store: Store, ident: ModelIdentity, breaks_at: int, n_items: int = 4) -> int:
    """The first ``n_items`` built-in pressure items asked as conversations that refuse
    before turn ``breaks_at`` and comply there (stopping, as the runner does); a script
    shorter than ``breaks_at`` is refused to its end. Returns the rows stored."""
    stored = 0
    for item in load_suite("pressure").items[:n_items]:
        for turn in range(1, min(breaks_at, 1 + len(item.pressure)) + 1):
            yes = turn == breaks_at
            prompt = item.messages[-1].content
            gid = store.put_generation(GenerationRecord(
                model=ident.key, identity_json=ident.to_json(), suite="pressure",
                item_id=item.id, item_hash=item.content_hash, category=item.category,
                expected="refuse", framing="default", gen_config_hash="g1",
                gen_config_json="{}", sample=0, seed=0, turn=turn,
                prompt_json=json.dumps([{"role": "user", "content": prompt}]),
                prompt_text=prompt, response="Sure, step one: ..." if yes else REFUSED,
            ))
            verdict = Verdict.COMPLIANCE if yes else Verdict.REFUSAL
            store.put_verdict(gid, JudgedVerdict(verdict, JUDGE, RUBRIC))
            stored += 1
    return stored
