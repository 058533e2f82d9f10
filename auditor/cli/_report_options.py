"""Options ``auditor report`` and ``auditor audit`` share (both write a report): one
definition each."""

from __future__ import annotations

import typer

JUDGE_AGREEMENT = typer.Option(
    "--judge-agreement", metavar="FILE",
    help="JSON with the judge's measured agreement, as `auditor judge-eval --json` writes it: "
    '{"dataset", "n", "accuracy", "kappa", "judge_id", "dimension"}, stated in the '
    "report's methods. Repeat it for each dimension (stance labels, harm labels).")
