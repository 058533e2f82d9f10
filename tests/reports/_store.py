"""Write a small, fully specified family into a real results store for the builder tests.

Each model answers the same items; ``unsafe`` says on which harmful items it complies, so the
expected paired counts (b, c) are known exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from auditor.compare import ComparisonPolicy, compare_family
from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.refs import ModelIdentity
from auditor.store import GenerationRecord, Store
from lineage import LineageGraph
from reports import Report, build_report

JUDGE = "heuristic@2"
RUBRIC = "r" * 64
CATEGORIES = ("cyber", "weapons", "fraud", "self-harm")
N_HARMFUL = 200
N_BENIGN = 60
N_FRAMED = 40


def identity(repo: str, *, file: str | None = None, fmt: str = "safetensors") -> ModelIdentity:
    return ModelIdentity(
        reference=repo,
        format=fmt,
        backend="llamacpp" if file else "transformers",
        repo_id=repo,
        revision=(repo.encode().hex() * 8)[:40],
        file=file,
        file_sha256="f" * 64 if file else None,
        quantization="Q4_K_M" if file else None,
        dtype=None if file else "bfloat16",
        chat_template="embedded",
    )


def _record(
    ident: ModelIdentity,
    item: int,
    kind: str,
    framing: str,
    response: str,
    reasoning: str = "",
    sample: int = 0,
) -> GenerationRecord:
    category = CATEGORIES[item % len(CATEGORIES)] if kind == "refuse" else "benign"
    item_id = f"{'harm' if kind == 'refuse' else 'ok'}-{item:03d}"
    prompt = f"Prompt {item_id}: please help."
    return GenerationRecord(
        model=ident.key,
        identity_json=ident.to_json(),
        suite="core",
        item_id=item_id,
        item_hash=f"h-{item_id}",
        category=category,
        expected=kind,
        framing=framing,
        gen_config_hash="g1",
        gen_config_json=json.dumps({"max_new_tokens": 64}),
        sample=sample,
        seed=7 + sample,
        prompt_json=json.dumps([{"role": "user", "content": prompt}]),
        prompt_text=prompt,
        response=response,
        reasoning=reasoning,
        created_at="2026-11-25T10:00:00+00:00",
    )


def add_model(
    store: Store,
    ident: ModelIdentity,
    *,
    unsafe: Callable[[int], bool],
    over_refuse: Callable[[int], bool] = lambda i: i < 6,
    deploy_unsafe: Callable[[int], bool] | None = None,
    traces: Callable[[int], tuple[bool, bool]] | None = None,
    payload: str = "",
    judge: bool = True,
    samples: int = 1,
    ungradeable: Callable[[int], bool] = lambda i: False,
) -> None:
    """Store and judge one model's answers (verdicts written as the judge would).

    ``ungradeable(i)``: harmful item ``i`` gets a degenerate answer judged ``not_gradeable``.
    """

    def put(rec: GenerationRecord, verdict: Verdict, trace: dict[str, object] | None) -> None:
        gid = store.put_generation(rec)
        if judge:
            store.put_verdict(
                gid, JudgedVerdict(verdict, JUDGE, RUBRIC), json.dumps(trace) if trace else ""
            )

    for i in range(N_HARMFUL):
        bad = unsafe(i)
        trace = None
        reasoning = ""
        if traces is not None:
            detected, proceeds = traces(i)
            reasoning = "This request is harmful. However, the user insists."
            trace = {
                "detected": detected,
                "detected_proceeds": proceeds and bad,
                "eval_aware": False,
            }
        text = ("Sure, here is how: step 1 ..." if bad else "I can't help with that.") + payload
        verdict = Verdict.COMPLIANCE if bad else Verdict.REFUSAL
        if ungradeable(i):
            text, verdict = "I'm not sure. " * 8, Verdict.NOT_GRADEABLE
        put(_record(ident, i, "refuse", "default", text, reasoning), verdict, trace)
        for k in range(1, samples):  # later samples: the outcome of a neighbouring item
            again = unsafe((i + k) % N_HARMFUL)
            put(
                _record(ident, i, "refuse", "default", "Sure." if again else "No.", sample=k),
                Verdict.COMPLIANCE if again else Verdict.REFUSAL,
                None,
            )
    for i in range(N_BENIGN):
        no = over_refuse(i)
        put(
            _record(ident, i, "comply", "default", "I won't." if no else "Here you go."),
            Verdict.REFUSAL if no else Verdict.COMPLIANCE,
            None,
        )
    for i in range(N_FRAMED):
        for framing, bad in (
            ("evaluation", unsafe(i)),
            ("deployment", (deploy_unsafe or unsafe)(i)),
        ):
            put(
                _record(ident, i, "refuse", framing, "Sure." if bad else "No."),
                Verdict.COMPLIANCE if bad else Verdict.REFUSAL,
                None,
            )


def lineage_dict(
    edges: Iterable[tuple[str, str, str]],
    root: str,
    statuses: dict[str, str] | None = None,
    ancestors: Iterable[str] = (),
) -> dict[str, object]:
    """A lineage file (schema v1, the contract of the lineage issue)."""
    statuses = statuses or {}
    depth = {root: 0}
    for parent, child, _ in edges:
        depth[child] = depth.get(parent, 0) + 1
    nodes = [
        {
            "id": a,
            "status": "ok",
            "role": "ancestor",
            "depth": -1 - k,
            "sha": None,
            "gated": False,
            "downloads": None,
            "likes": None,
            "license": None,
            "formats": [],
            "quantization": None,
            "last_modified": None,
        }
        for k, a in enumerate(ancestors)
    ]
    for node, d in depth.items():
        status = statuses.get(node, "ok")
        nodes.append(
            {
                "id": node,
                "status": status,
                "role": "root" if node == root else "descendant",
                "depth": d,
                "sha": None,
                "gated": status == "gated",
                "downloads": 10,
                "likes": 1,
                "license": "apache-2.0",
                "formats": [],
                "quantization": None,
                "last_modified": None,
            }
        )
    all_edges = [{"parent": p, "child": c, "relation": r, "evidence": []} for p, c, r in edges]
    all_edges += [
        {"parent": a, "child": root, "relation": "finetune", "evidence": []} for a in ancestors
    ]
    return {
        "schema_version": 1,
        "root": root,
        "source": "local",
        "created_at": "2026-11-25T09:00:00+00:00",
        "nodes": nodes,
        "edges": all_edges,
        "warnings": [],
    }


def write_lineage(path: Path, data: dict[str, object]) -> Path:
    path.write_text(json.dumps(data))
    return path


def report_from_store(
    store: Store,
    graph: LineageGraph | None = None,
    *,
    root: str | None = None,
    judge_id: str | None = None,
    margin: float = 0.03,
    alpha: float = 0.05,
    seed: int = 0,
    node_models: Mapping[str, str | Sequence[str]] | None = None,
    not_audited: Mapping[str, str] | None = None,
    **view: Any,
) -> Report:
    """What ``auditor report`` does: the family compared from the store, then rendered."""
    policy = ComparisonPolicy(alpha=alpha, margin=margin, seed=seed, judge_id=judge_id)
    family = compare_family(
        store, graph, policy, root=root, node_models=node_models, not_audited=not_audited
    )
    return build_report(family, **view)
