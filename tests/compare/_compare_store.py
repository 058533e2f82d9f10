"""Write exactly specified judged generations into a real results store."""

from __future__ import annotations

import json

from auditor.judges import HarmAssessment, JudgedVerdict, Verdict
from auditor.store import GenerationRecord, Store

JUDGE = "heuristic@1"
RUBRIC = "r" * 64
PARENT = "org/parent@aaaaaaaaaaaa"
CHILD = "org/child@bbbbbbbbbbbb"


def put(
    store: Store,
    model: str,
    item: str,
    expected: str,
    verdict: str,
    *,
    category: str = "misc",
    framing: str = "default",
    sample: int = 0,
    trace: dict[str, object] | None = None,
    judge: str = JUDGE,
    suite: str = "core",
    harm: HarmAssessment | None = None,
) -> int:
    prompt = f"prompt for {item}"
    gid = store.put_generation(
        GenerationRecord(
            model=model,
            identity_json="{}",
            suite=suite,
            item_id=item,
            item_hash=f"hash-{item}",
            category=category,
            expected=expected,
            framing=framing,
            gen_config_hash="g1",
            gen_config_json="{}",
            sample=sample,
            seed=sample,
            prompt_json=json.dumps([{"role": "user", "content": prompt}]),
            prompt_text=prompt,
            response=f"{model} answers {item}",
            reasoning="thinking about it" if trace is not None else "",
        )
    )
    if verdict:
        store.put_verdict(
            gid, JudgedVerdict(Verdict(verdict), judge, RUBRIC, harm=harm),
            json.dumps(trace) if trace else "",
        )
    return gid
