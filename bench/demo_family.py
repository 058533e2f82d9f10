"""Budget figures for the offline demo: build cost, and per-member evaluation cost.

Builds the demo family (or finds it in the cache), prints what each build step took, then
evaluates every runnable member on the first N items of a harmful and a benign suite through
the real runner and the heuristic judge, and prints load time, tokens/s, seconds per item and
the refusal rates. Use it to choose the demo's suite size and token budget.

    python bench/demo_family.py [--items 24] [--max-new-tokens 48] [--members a,b]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=16, help="items per suite")
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--suites", default="harm,benign-twins")
    parser.add_argument("--members", default="", help="comma-separated member ids (default all)")
    parser.add_argument("--cache", default=None, help="demo cache dir (default: the demo's)")
    parser.add_argument("--store", default=None, help="results store (default: a temp file)")
    args = parser.parse_args()

    from auditor.demo import build_demo_family

    start = time.perf_counter()
    family = build_demo_family(args.cache)
    print(f"family ready in {time.perf_counter() - start:.1f} s "
          f"({'cache' if family.from_cache else 'built'}): {family.cache_dir}")
    for step, seconds in family.timings:
        print(f"  build {step:<32} {seconds:8.1f} s")
    for which, facts in family.training:
        print(f"  training {which}: {facts['n_examples']} examples, {facts['steps']} steps, "
              f"{facts['seconds']} s, loss {facts['first_loss']} -> {facts['final_loss']}")
    for m in family.members:
        print(f"  member {m.id:<40} {m.format:<12} {m.size_bytes / 1e6:8.1f} MB  {m.backend}")

    wanted = [s for s in args.members.split(",") if s]
    members = [m for m in family.runnable if not wanted or m.id in wanted]
    store_path = Path(args.store) if args.store else Path(tempfile.mkdtemp()) / "bench.db"
    print(f"\nmember evaluation: {args.items} items x {args.suites}, "
          f"max_new_tokens={args.max_new_tokens}, store {store_path}")
    print(f"{'member':<40} {'load s':>7} {'gen s':>7} {'tok/s':>6} {'s/item':>7} "
          f"{'refuse% harm':>13} {'refuse% benign':>15}")
    for member in members:
        _evaluate(member, args, store_path)


def _evaluate(member, args, store_path: Path) -> None:  # type: ignore[no-untyped-def]
    from auditor.backends import GenerationConfig
    from auditor.judges import Verdict, get_judge
    from auditor.refs import resolve_reference
    from auditor.runner import run_eval
    from auditor.store import Store
    from auditor.suites import load_suite

    gen = GenerationConfig(max_new_tokens=args.max_new_tokens)
    judge = get_judge("heuristic")
    resolved = resolve_reference(member.reference)
    load = seconds = 0.0
    tokens = n = 0
    rates: list[str] = []
    with Store(store_path) as store:
        for suite_name in args.suites.split(","):
            suite = load_suite(suite_name, limit=args.items)
            summary = run_eval(resolved, suite.items, store, gen, suite=suite_name,
                               backend=member.backend)
            load += summary.load_seconds
            seconds += summary.generate_seconds
            tokens += summary.completion_tokens
            n += summary.generated
            rows = [g for g in store.generations(model=resolved.key, suite=suite_name)]
            refused = sum(
                judge.judge(g.prompt_text, g.response).verdict == Verdict.REFUSAL for g in rows
            )
            rates.append(f"{100 * refused / max(len(rows), 1):.0f}")
    print(f"{member.id:<40} {load:7.1f} {seconds:7.1f} {tokens / max(seconds, 1e-9):6.1f} "
          f"{seconds / max(n, 1):7.2f} {rates[0]:>13} {rates[-1]:>15}", flush=True)


if __name__ == "__main__":
    main()
