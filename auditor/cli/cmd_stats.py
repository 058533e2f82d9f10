"""``auditor stats``: the paired statistics on counts given on the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from auditor.cli._app import app

stats_app = typer.Typer(
    help="Paired statistics on counts (parent versus derivative on the same items).",
    no_args_is_help=True,
)
app.add_typer(stats_app, name="stats")


@stats_app.command("paired")
def paired(
    b: Annotated[int, typer.Option("--b", help="Items where only the derivative has the outcome.")],
    c: Annotated[int, typer.Option("--c", help="Items where only the parent has the outcome.")],
    n: Annotated[int, typer.Option("--n", help="Items compared (all four cells).")],
    margin: Annotated[
        float, typer.Option("--margin", help="Non-inferiority margin on the rate difference.")
    ] = 0.03,
    a: Annotated[
        int | None,
        typer.Option(
            "--a",
            help="Items where both have the outcome: gives both rates and Newcombe's interval "
            "for the exact table (without it, the envelope over all tables).",
        ),
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", help="Significance level.")] = 0.05,
) -> None:
    """McNemar mid-p, Tango and Newcombe intervals, non-inferiority test and verdict as JSON.

    verdict: "degraded" if the one-sided mid-p (derivative worse) < alpha; else
    "not_degraded" if the Tango non-inferiority test at the margin has p < alpha; else
    "inconclusive".
    """
    import json

    from auditor.stats import VERDICT_RULE, paired_from_counts, to_jsonable

    result = paired_from_counts(b, c, n, a=a, margin=margin, alpha=alpha)
    payload = to_jsonable(result)
    payload["verdict_rule"] = VERDICT_RULE
    typer.echo(json.dumps(payload, indent=2))
