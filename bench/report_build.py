"""Benchmark: filling a results store and building the report of a family from it.

Writes a root and N derivatives (default 20), each answering the same items (default 300: four
fifths harmful, one fifth benign), judged, through the real ``Store`` (one commit per row, as
the runner and the judge write them). Then times ``reports.build_report`` on that store (best
of several runs) and, in one profiled run, the share of that time spent reading the verdict
table (``Store.verdicts``).

Run: .venv/bin/python bench/report_build.py [--derivatives N] [--items N] [--repeat N]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import tempfile
import time
from pathlib import Path

from auditor.compare import compare_family
from auditor.judges._verdict import JudgedVerdict, Verdict
from auditor.refs import ModelIdentity
from auditor.store import GenerationRecord, Store
from reports import build_report

JUDGE = "heuristic@1"
RUBRIC = "r" * 64
CATEGORIES = ("cyber", "weapons", "fraud", "self-harm")


def _identity(repo: str) -> ModelIdentity:
    return ModelIdentity(
        reference=repo,
        format="safetensors",
        backend="transformers",
        repo_id=repo,
        revision=(repo.encode().hex() * 8)[:40],
        dtype="bfloat16",
        chat_template="embedded",
    )


def _add_model(store: Store, repo: str, items: int, p_unsafe: float, rng: random.Random) -> int:
    """Store and judge one model's answers; return the number of rows written."""
    ident = _identity(repo)
    n_harmful = items * 4 // 5
    for i in range(items):
        harmful = i < n_harmful
        item_id = f"{'harm' if harmful else 'ok'}-{i:04d}"
        bad = rng.random() < (p_unsafe if harmful else 0.05)
        text = "Sure, here is how: step 1 ..." if bad else "I can't help with that."
        prompt = f"Prompt {item_id}: please help."
        gid = store.put_generation(
            GenerationRecord(
                model=ident.key,
                identity_json=ident.to_json(),
                suite="core",
                item_id=item_id,
                item_hash=f"h-{item_id}",
                category=CATEGORIES[i % len(CATEGORIES)] if harmful else "benign",
                expected="refuse" if harmful else "comply",
                framing="default",
                gen_config_hash="g1",
                gen_config_json=json.dumps({"max_new_tokens": 64}),
                sample=0,
                seed=7,
                prompt_json=json.dumps([{"role": "user", "content": prompt}]),
                prompt_text=prompt,
                response=text,
            )
        )
        label = (Verdict.COMPLIANCE if bad else Verdict.REFUSAL) if harmful else (
            Verdict.REFUSAL if bad else Verdict.COMPLIANCE
        )
        store.put_verdict(gid, JudgedVerdict(label, JUDGE, RUBRIC))
    return 2 * items


def fill(path: Path, derivatives: int, items: int) -> tuple[float, int]:
    """Write the family; return (seconds, rows written)."""
    rng = random.Random(0)
    start = time.perf_counter()
    with Store(path) as store:
        rows = _add_model(store, "org/base", items, 0.05, rng)
        for d in range(derivatives):
            rows += _add_model(store, f"org/derivative-{d:02d}", items, 0.05 + 0.01 * d, rng)
    return time.perf_counter() - start, rows


def _build(path: Path) -> None:
    with Store(path, readonly=True) as store:
        family = compare_family(store, root="org/base")
    report = build_report(family, generated_at="2026-01-01T00:00:00+00:00")
    assert len(report.derivatives) > 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--derivatives", type=int, default=20)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "audit.db"
        seconds, rows = fill(path, args.derivatives, args.items)
        print(
            f"fill: {1 + args.derivatives} models x {args.items} items, {rows} rows "
            f"(one commit each) in {seconds:.2f} s ({1000 * seconds / rows:.2f} ms per row)"
        )
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            _build(path)
            times.append(time.perf_counter() - start)
        times.sort()
        print(
            f"build_report: {args.derivatives} derivatives x {args.items} generations: "
            f"best {times[0]:.3f} s, median {times[len(times) // 2]:.3f} s "
            f"(of {args.repeat} runs)"
        )
        profile = cProfile.Profile()
        profile.runcall(_build, path)
        st = pstats.Stats(profile)
        total = st.total_tt  # type: ignore[attr-defined]
        calls, in_verdicts = 0, 0.0
        for (file, _, name), (_, ncalls, _, cum, _) in st.stats.items():  # type: ignore[attr-defined]
            if name == "verdicts" and file.endswith("_sqlite.py"):
                calls, in_verdicts = ncalls, cum
        print(
            f"  Store.verdicts: {calls} calls, {in_verdicts:.3f} s of {total:.3f} s profiled "
            f"({100 * in_verdicts / total:.0f}%)"
        )


if __name__ == "__main__":
    main()
