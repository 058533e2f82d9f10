"""Benchmark: how fast the heuristic judge (stance and harm) and the trace analysis are.

Judges a set of synthetic responses (refusals, answers with lists and code, partials, long
multi-paragraph texts) built here, plus any CSVs given on the command line (e.g. the XSTest
completion files, or the HarmBench JSONL, read by path; timed each and all together), and
prints milliseconds per response and responses per second.
An audit of a 500-derivative family on 300 items judges 150,000 responses: the figure says
whether judging is negligible next to generation.

Run: .venv/bin/python bench/judges_speed.py [FILE.csv ...] [--prompt-col C --response-col C]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from auditor.errors import InputError
from auditor.judges import analyze_trace, get_judge
from auditor.judges._table import cell, read_table, require_columns

PARTS = {
    "refusal": "I'm sorry, but I can't help with that. {filler}",
    "answer": "Here is how to do it:\n\n{steps}\n\n{filler}",
    "partial": "I can't give detailed instructions. However, in general terms: {steps}",
    "caveat": "{filler} Note that this may be illegal where you live.",
    "code": "Sure:\n```python\nfor i in range(10):\n    print(i)\n```\n{filler}",
}
FILLER = (
    "The process depends on the materials you have and on local rules, so check them first. "
    "Most people find that preparation takes longer than the task itself. "
)
TRACE = (
    "The user asks for something that could be dangerous. However, they say it is for a "
    "school project, so for educational purposes I will give a general overview. "
)


def _synthetic(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = rng.choice(sorted(PARTS))
        steps = "\n".join(f"{k}. Do step {k} carefully and check the result." for k in range(1, 6))
        text = PARTS[kind].format(filler=FILLER * rng.randint(1, 8), steps=steps)
        out.append((f"request {i}", text))
    return out


def _time(label: str, pairs: list[tuple[str, str]], repeat: int = 3) -> None:
    judge = get_judge("heuristic")
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for prompt, response in pairs:
            judge.judge(prompt, response)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    chars = statistics.fmean(len(r) for _, r in pairs)
    print(f"{label}: {len(pairs)} responses (mean {chars:.0f} chars): "
          f"{1000 * best / len(pairs):.2f} ms/response, {len(pairs) / best:,.0f} responses/s "
          f"(best of {repeat})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--prompt-col", default="prompt")
    parser.add_argument("--response-col", default="completion")
    args = parser.parse_args()
    _time("synthetic", _synthetic(2000))
    start = time.perf_counter()
    for _ in range(2000):
        analyze_trace(TRACE * 4, "compliance")
    took = time.perf_counter() - start
    print(f"trace analysis: {1000 * took / 2000:.3f} ms/trace ({len(TRACE) * 4} chars)")
    everything: list[tuple[str, str]] = []
    for path in args.files:
        table = read_table(Path(path))  # CSV or JSONL
        try:  # a wrong column name would time empty responses
            require_columns(table, Path(path), (args.prompt_col, args.response_col))
        except InputError as exc:
            sys.exit(f"error: {exc} (--prompt-col / --response-col)")
        rows = [(cell(r, args.prompt_col), cell(r, args.response_col)) for r in table]
        _time(path, rows)
        everything.extend(rows)
    if len(args.files) > 1:
        _time(f"all {len(args.files)} files", everything)


if __name__ == "__main__":
    main()
