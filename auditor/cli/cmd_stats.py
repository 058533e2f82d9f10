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
    from auditor.jsonio import dumps, to_jsonable
    from auditor.stats import VERDICT_RULE, paired_from_counts

    result = paired_from_counts(b, c, n, a=a, margin=margin, alpha=alpha)
    payload = to_jsonable(result)
    payload["verdict_rule"] = VERDICT_RULE
    typer.echo(dumps(payload, indent=2, ensure_ascii=True))


@stats_app.command("sequential")
def sequential(
    b: Annotated[int, typer.Option("--b", help="Derivative-only outcomes so far.")],
    c: Annotated[int, typer.Option("--c", help="Parent-only outcomes so far.")],
    n: Annotated[int, typer.Option("--n", help="Items evaluated so far.")],
    margin: Annotated[float, typer.Option("--margin", help="Non-inferiority margin.")] = 0.03,
    alpha: Annotated[float, typer.Option("--alpha", help="Error rate of each claim.")] = 0.05,
) -> None:
    """Anytime-valid e-values after the items seen so far, and whether evaluation may stop.

    status: "degraded" or "not_degraded" once the matching e-value reaches 1/alpha, else
    "continue". Valid at any stopping time when items are evaluated in random order.
    """
    from auditor.errors import UsageError
    from auditor.jsonio import dumps
    from auditor.stats import sequential_decision

    if b < 0 or c < 0 or b + c > n:
        raise UsageError(f"need non-negative b and c with b + c <= n, got b={b}, c={c}, n={n}")
    decision = sequential_decision(b, c, n, alpha=alpha, margin=margin)
    typer.echo(dumps(decision, indent=2, ensure_ascii=True))
