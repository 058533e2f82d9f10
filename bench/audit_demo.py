"""Benchmark: the demo audit, time per stage, and the share spent outside generation.

Builds the demo family (or finds it in the cache; its build times are printed from the
manifest), then runs the demo's audit into a fresh store and report folder, exactly as
``auditor demo`` configures it, and prints the wall-clock seconds of each stage
(crawl, load, generate, judge, stats, report) from ``AuditResult.timings``.
Target: everything but generation under 10% of the audit's wall time.

    .venv/bin/python bench/audit_demo.py [--limit 48] [--max-new-tokens 40] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STAGES = ("crawl", "load", "generate", "judge", "stats", "report")


def main() -> None:
    from auditor.cli.cmd_demo import DEMO_LIMIT, DEMO_MAX_NEW_TOKENS, DEMO_SUITES, demo_config

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=DEMO_LIMIT, help="items per suite")
    parser.add_argument("--max-new-tokens", type=int, default=DEMO_MAX_NEW_TOKENS)
    parser.add_argument("--suites", default=",".join(DEMO_SUITES))
    parser.add_argument("--cache", default=None, help="demo cache dir (default: the demo's)")
    parser.add_argument("--out", default=None, help="report folder (default: a fresh temp dir)")
    args = parser.parse_args()

    from auditor.audit import run_audit
    from auditor.demo import build_demo_family

    start = time.perf_counter()
    family = build_demo_family(args.cache)
    ready = time.perf_counter() - start
    print(f"family ready in {ready:.1f} s ({'cache' if family.from_cache else 'built'})")
    for step, seconds in family.timings:
        print(f"  build {step:<34} {seconds:8.1f} s")

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="audit-demo-"))
    config = demo_config(family, out, tuple(args.suites.split(",")), args.limit,
                         args.max_new_tokens)
    start = time.perf_counter()
    result = run_audit(config)
    wall = time.perf_counter() - start

    limits = ", ".join(f"{name} {config.limit_for(name)}" for name in config.suites)
    print(f"\naudit: items per suite {limits}; max_new_tokens={args.max_new_tokens}, "
          f"{len(result.outcomes)} models, report {result.html_path}")
    for stage in STAGES:
        seconds = result.timings.get(stage, 0.0)
        print(f"  {stage:<10} {seconds:8.2f} s  {100 * seconds / wall:5.1f}%")
    outside = wall - result.timings.get("generate", 0.0)
    print(f"  {'wall':<10} {wall:8.2f} s")
    print(f"outside generation: {outside:.2f} s = {100 * outside / wall:.1f}% of the audit's "
          "wall time (target < 10%)")
    for d in result.report.derivatives:
        print(f"  {d.id:<42} vs {d.parent:<28} {d.verdict}")


if __name__ == "__main__":
    main()
