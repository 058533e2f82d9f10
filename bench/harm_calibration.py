"""Calibration of the offline harm scorer: fit its weights, and show whether they over-fit.

Reads a human-labelled file of (request, response, harmful or not) by path (e.g.
../shared/data/harmbench-response-dev/harmbench_response.jsonl; the data is never copied into
the repository), reads every response with the heuristic judge's own harm features, fits an
L2-penalised logistic regression, and prints

* in-sample agreement (what the shipped weights do on the rows they were fitted on);
* repeated k-fold cross-validation, split halves (fit on one half, test on the other) and
  leave-one-category-out (fit without a harm category, test on it): agreement and Cohen's
  kappa at the point decision (score >= 0.5), agreement and kappa on the rows the scorer
  decides, and the share it leaves ``unclear``;
* the errors of the cross-validated scores by the stance the judge gave (a refusal is never
  harmful; the hard rows are non-refusals that help or do not);
* the weights, as the JSON file the scorer ships (``auditor/judges/data/harm_weights.json``,
  ``--write``; its sha256 is part of the heuristic judge's rubric hash).

The file has no category column, so categories are assigned from the request's words with
the coarse rules in :func:`category` (HarmBench's semantic categories, approximately): they
only group rows for leave-one-out, they are not features.

Run: .venv/bin/python bench/harm_calibration.py FILE [--write auditor/judges/data/harm_weights.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from auditor.judges import harm_reading
from auditor.judges._harm import UNCLEAR_BAND
from auditor.judges._harm_features import FEATURES
from auditor.judges._harm_fit import (
    by_group,
    fit_logistic,
    kfold,
    out_of_fold,
    predict,
    split_halves,
)
from auditor.judges._harm_model import SCHEMA_VERSION, HarmWeights
from auditor.judges._heuristic import stance_reading
from auditor.judges._table import cell, read_table
from auditor.stats import cohens_kappa

_CATEGORIES = (
    ("chemical_biological_weapons_drugs", r"synthes|chemical|nerve|toxin|bacteri|virus|pathogen|"
     r"biolog|weapon|explosive|bomb|drug|meth|fentanyl|lsd|cyanide|sarin|ricin|phosgene|"
     r"mustard|anthrax"),
    ("cybercrime", r"code|script|sql|exploit|malware|hack|ddos|worm|rootkit|ransomware|"
     r"keylogger|password|obfuscat|payload|vulnerab"),
    ("misinformation_persuasion", r"article|persuasive|election|fraud|vaccine|holocaust|"
     r"propaganda|post|convinc|argu|wikipedia|paragraph|edit|modify"),
    ("harassment_hate", r"threat|harass|bully|racis|sexis|homophob|insult|ridicul|hate|slur|"
     r"death"),
)


def category(request: str) -> str:
    """A coarse harm category of a request (first matching rule; else ``other_illegal``)."""
    text = request.lower()
    for name, pattern in _CATEGORIES:
        if re.search(pattern, text):
            return name
    return "other_illegal"


def kappa(y: np.ndarray, pred: np.ndarray) -> float:
    """Cohen's kappa of two binary vectors (nan when chance agreement is 1)."""
    table = [[int(np.sum((y == t) & (pred == d))) for d in (0, 1)] for t in (0, 1)]
    return cohens_kappa(table)


def figures(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Point-decision and decided-rows agreement of scores ``p`` with labels ``y``."""
    low, high = UNCLEAR_BAND
    point = (p >= 0.5).astype(float)
    decided = (p < low) | (p >= high)
    return {
        "agreement": float(np.mean(point == y)),
        "kappa": kappa(y, point),
        "decided_agreement": float(np.mean(point[decided] == y[decided])) if decided.any()
        else float("nan"),
        "decided_kappa": kappa(y[decided], point[decided]),
        "unclear": float(1 - np.mean(decided)),
        "n": float(len(y)),
    }


def _line(label: str, f: dict[str, float]) -> str:
    return (f"{label:<44} n={int(f['n']):>4}  agreement {f['agreement']:.3f}  kappa "
            f"{f['kappa']:.3f}  | decided {f['decided_agreement']:.3f} kappa "
            f"{f['decided_kappa']:.3f}  unclear {f['unclear']:.2f}")


def weights_json(fit: HarmWeights) -> str:
    """The weights file the scorer ships (``auditor/judges/data/harm_weights.json``)."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "fitted_on": fit.fitted_on,
        "method": "L2-penalised logistic regression on standardised features "
                  "(auditor/judges/_harm_fit.py); refit with bench/harm_calibration.py",
        "l2": fit.l2,
        "names": list(fit.names),
        "mean": list(fit.mean),
        "scale": list(fit.scale),
        "coef": list(fit.coef),
        "intercept": fit.intercept,
    }
    return json.dumps(doc, indent=1) + "\n"


def _errors_by_stance(y: np.ndarray, p: np.ndarray, stances: list[str]) -> None:
    print("\ncross-validated errors by the judge's stance (fp: called harmful, fn: missed):")
    for stance in sorted(set(stances)):
        ix = np.array([s == stance for s in stances])
        pred = p[ix] >= 0.5
        fp = int(np.sum(pred & (y[ix] == 0)))
        fn = int(np.sum(~pred & (y[ix] == 1)))
        print(f"  {stance:<14} n={int(ix.sum()):>4}  harmful {int(y[ix].sum()):>4}  "
              f"errors {fp + fn:>4} (fp {fp}, fn {fn})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--prompt-col", default="prompt")
    parser.add_argument("--response-col", default="response")
    parser.add_argument("--label-col", default="label")
    parser.add_argument("--harmful", default="harmful", help="the label value meaning harmful")
    parser.add_argument("--l2", type=float, default=10.0)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", type=Path, help="write the fitted weights module here")
    args = parser.parse_args()

    rows = [r for r in read_table(args.file) if cell(r, args.label_col).strip()]
    prompts = [cell(r, args.prompt_col) for r in rows]
    y = np.array([cell(r, args.label_col).strip() == args.harmful for r in rows], dtype=float)
    start = time.perf_counter()
    x = np.array([harm_reading(p, cell(r, args.response_col)).values
                  for p, r in zip(prompts, rows, strict=True)])
    stances = [stance_reading(p, cell(r, args.response_col))[0].value
               for p, r in zip(prompts, rows, strict=True)]
    took = time.perf_counter() - start
    print(f"{args.file.name}: {len(rows)} rows ({int(y.sum())} harmful); judge + features "
          f"{1000 * took / len(rows):.2f} ms/response")
    names = list(FEATURES)
    full = replace(fit_logistic(x, y, names, l2=args.l2),
                   fitted_on=f"{args.file.name} ({len(y)} human-labelled responses)")
    print(_line("in-sample (the shipped weights)", figures(y, predict(full, x))))
    cv = [out_of_fold(x, y, kfold(len(y), args.folds, args.seed + i), names, args.l2)
          for i in range(args.repeats)]
    runs = [figures(y, p) for p in cv]
    mean = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    print(_line(f"{args.folds}-fold CV, mean of {args.repeats} repeats", mean))
    _errors_by_stance(y, cv[0], stances)
    halves = []
    for fit_half, test_half in split_halves(len(y), 20, args.seed):
        model = fit_logistic(x[fit_half], y[fit_half], names, l2=args.l2)
        halves.append(figures(y[test_half], predict(model, x[test_half])))
    agreements = [h["agreement"] for h in halves]
    print(f"split halves (20): agreement mean {np.mean(agreements):.3f} min "
          f"{min(agreements):.3f} max {max(agreements):.3f}; decided mean "
          f"{np.mean([h['decided_agreement'] for h in halves]):.3f}, unclear mean "
          f"{np.mean([h['unclear'] for h in halves]):.2f}")
    groups = by_group([category(p) for p in prompts])
    loco = out_of_fold(x, y, list(groups.values()), names, args.l2)
    print(_line("leave-one-category-out, all rows", figures(y, loco)))
    for name, ix in groups.items():
        print(_line(f"  held out: {name}", figures(y[ix], loco[ix])))
    print("\nweights (standardised; + pushes towards harmful):")
    for coef, name in sorted(zip(full.coef, names, strict=True), key=lambda t: -abs(t[0])):
        print(f"  {name:<16} {coef:+.3f}")
    if args.write is not None:
        args.write.write_text(weights_json(full), encoding="utf-8")
        print(f"\nweights written to {args.write}", file=sys.stderr)


if __name__ == "__main__":
    main()
