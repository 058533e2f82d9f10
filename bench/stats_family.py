"""Benchmark: the statistics of a 500-derivative family, and what early stopping saves.

1. Wall time of every test the audit runs for one parent and 500 derivatives (targets:
   under 1 s): per derivative, unsafe compliance on refuse-items and over-refusal on
   comply-items (McNemar mid-p, Tango and Newcombe intervals, non-inferiority, detectable
   rise), ten per-category comparisons with Holm within the derivative, the 3-way
   Stuart-Maxwell and Bowker shift tests; then Holm and BH across the family.
2. By simulation, generations saved by the anytime-valid e-process on clearly degraded
   derivatives, against the fixed-n one-sided mid-p test at the same level (target >= 30%),
   with the power and the false-positive rate of both designs measured on the same runs.

Run: .venv/bin/python bench/stats_family.py [--quick]
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from auditor.stats import (
    bowker,
    family_verdicts,
    holm,
    paired_binary,
    per_category,
    sequential_decision,
    shift_table,
    stuart_maxwell,
)

LEVELS = ("refusal", "partial", "compliance")
N_DERIVATIVES, N_REFUSE, N_COMPLY, N_CATEGORIES = 500, 400, 200, 10


def _verdicts(rng: np.random.Generator, base: np.ndarray, flip: float, push: float) -> np.ndarray:
    """Derivative verdicts: each item re-drawn with prob ``flip``, toward compliance by push."""
    out = base.copy()
    redraw = rng.random(base.size) < flip
    probs = np.array([0.85 - push, 0.07, 0.08 + push])  # push = 0: the parent's own mix
    out[redraw] = rng.choice(3, size=int(redraw.sum()), p=probs)
    return out


def simulate_family(seed: int = 0) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    parent = rng.choice(3, size=N_REFUSE, p=[0.85, 0.07, 0.08])
    refuse, comply = [], []
    parent_over = rng.random(N_COMPLY) < 0.05
    for i in range(N_DERIVATIVES):
        push = 0.0 if i < 400 else 0.1 if i < 450 else 0.4
        refuse.append(_verdicts(rng, parent, 0.15, push))
        comply.append(
            np.where(rng.random(N_COMPLY) < 0.1, rng.random(N_COMPLY) < 0.08, parent_over)
        )
    return parent, refuse, [parent_over, *comply]


def time_family(seed: int = 0) -> float:
    parent, refuse, comply = simulate_family(seed)
    categories = [f"cat{i % N_CATEGORIES}" for i in range(N_REFUSE)]
    parent_unsafe = (parent > 0).tolist()
    parent_labels = [LEVELS[v] for v in parent]
    parent_over = comply[0].tolist()
    start, cpu_start = time.perf_counter(), time.process_time()
    overall, over_refusal = [], []
    for child, child_over in zip(refuse, comply[1:], strict=True):
        child_unsafe = (child > 0).tolist()
        overall.append(paired_binary(parent_unsafe, child_unsafe))
        over_refusal.append(paired_binary(parent_over, child_over.tolist()))
        per_category(parent_unsafe, child_unsafe, categories)
        table = shift_table(parent_labels, [LEVELS[v] for v in child])
        stuart_maxwell(table, LEVELS)
        bowker(table, LEVELS)
    family = family_verdicts(overall)
    holm([c.midp_one_sided for c in over_refusal])
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    counts = {v: family.verdicts.count(v) for v in ("degraded", "not_degraded", "inconclusive")}
    print(
        f"family of {N_DERIVATIVES} derivatives ({N_REFUSE} refuse + {N_COMPLY} comply items,"
        f" {N_CATEGORIES} categories): wall {elapsed:.3f} s, CPU {cpu:.3f} s (target < 1 s;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print(f"  family verdicts after Holm: {counts}  (truth: 400 unchanged, 50 +1.5 pts, 50 +6 pts)")
    return elapsed


def _sequential_run(x: np.ndarray, alpha: float, margin: float) -> tuple[str, int]:
    b = c = 0
    for t, v in enumerate(x, start=1):
        b += v == 1
        c += v == -1
        status = sequential_decision(b, c, t, alpha=alpha, margin=margin).status
        if status != "continue":
            return status, t
    return "continue", len(x)


def _fixed_rejects(x: np.ndarray, alpha: float) -> bool:
    from auditor.stats import mcnemar_pvalues

    return mcnemar_pvalues(int(np.sum(x == 1)), int(np.sum(x == -1))).midp_one_sided < alpha


def early_stopping(
    runs: int, seed: int = 1, alpha: float = 0.05, n_items: int = N_REFUSE, margin: float = 0.03
) -> float:
    rng = np.random.default_rng(seed)
    scenarios = {
        "clearly degraded (+15 points)": (0.17, 0.02),
        "moderately degraded (+6 points)": (0.08, 0.02),
        "unchanged (H0)": (0.05, 0.05),
    }
    saved = 0.0
    print(
        f"early stopping, {runs} simulated derivatives per row, N = {n_items} items,"
        f" alpha = {alpha:g} (e-process threshold 1/alpha = {1 / alpha:g}):"
    )
    for name, (p_b, p_c) in scenarios.items():
        used, seq_deg, fixed_deg = [], 0, 0
        for _ in range(runs):
            x = rng.choice([1, -1, 0], size=n_items, p=[p_b, p_c, 1 - p_b - p_c])
            status, t = _sequential_run(x, alpha, margin)
            used.append(t)
            seq_deg += status == "degraded"
            fixed_deg += _fixed_rejects(x, alpha)
        mean_used = float(np.mean(used))
        print(
            f"  {name:32s} fixed-n flags {fixed_deg / runs:6.1%}   sequential flags "
            f"{seq_deg / runs:6.1%}   generations {mean_used:6.1f} / {n_items}"
            f" (saved {1 - mean_used / n_items:6.1%})"
        )
        if name.startswith("clearly"):
            saved = 1 - mean_used / n_items
    return saved


def main() -> None:
    quick = "--quick" in sys.argv
    time_family()
    saved = early_stopping(200 if quick else 1000)
    early_stopping(100 if quick else 300, alpha=0.05 / N_DERIVATIVES, seed=2)
    print(f"generations saved on clearly degraded derivatives: {saved:.1%} (target >= 30%)")


if __name__ == "__main__":
    main()
