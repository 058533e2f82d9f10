"""``auditor verify CHILD PARENT [--json]``: does CHILD's weights derive from PARENT's?"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from auditor.cli._app import app, console

_COLOURS = {"confirmed": "bold green", "consistent": "green", "contradicted": "bold red",
            "unverifiable": "bold yellow"}
_SUMMARY = ("compared_tensors", "coverage", "median_rel_l2", "max_rel_l2", "median_correlation",
            "min_correlation", "fraction_related", "changed_tensors", "low_rank_share",
            "difference_ranks", "layers_changed", "embeddings_kept", "resized_vocabulary")


@app.command("verify")
def verify_command(
    child: Annotated[str, typer.Argument(
        metavar="CHILD", help="Derivative: a model folder, a .gguf file, a Hub id[@revision] "
        "or a Hub GGUF file id[@revision]:file.gguf.")],
    parent: Annotated[str, typer.Argument(
        metavar="PARENT", help="Claimed parent: the same kinds of reference.")],
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print {verdict, relation_guess, evidence} as JSON.")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Fetch Hub fingerprints again instead of using the cache.")] = False,
) -> None:
    """Check a claimed parent by the weights: seeded samples of every tensor compared
    (distance, correlation, rank of the difference). Exit 0 for any verdict."""
    from auditor.fingerprint import verify_edge

    result = verify_edge(child, parent, use_cache=not no_cache)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
        return
    _render(result.verdict, result.relation_guess, result.evidence)


def _side(info: Any) -> str:
    if not isinstance(info, dict):
        return ""
    parts = [str(info.get("format") or ""), str(info.get("architecture") or "")]
    storages = info.get("storage_types")
    if storages:
        parts.append("/".join(storages))
    return " ".join(p for p in parts if p)


def _render(verdict: str, guess: str | None, evidence: dict[str, Any]) -> None:
    from rich.table import Table

    from auditor.cli._text import shown

    colour = _COLOURS.get(verdict, "bold")
    console.print(f"[{colour}]{verdict}[/]  relation: {shown(guess or '-')}", highlight=False)
    for side in ("child", "parent"):
        info = evidence.get(side) or {}
        console.print(f"  {side}: {shown(str(info.get('ref', '')))}  {shown(_side(info))}",
                      highlight=False)
    if evidence.get("reason"):
        console.print(f"  {shown(str(evidence['reason']))}", highlight=False)
    table = Table("measure", "value", title="evidence")
    for key in _SUMMARY:
        if evidence.get(key) is not None:
            table.add_row(key, shown(str(evidence[key])))
    console.print(table)
    worst = evidence.get("worst_tensors") or []
    if worst:
        detail = Table("tensor", "rel. L2", "corr.", "storage err.", "rank",
                       title="tensors furthest from the parent")
        for row in worst:
            detail.add_row(*(shown(str("-" if row.get(k) is None else row.get(k)))
                             for k in ("tensor", "rel_l2", "correlation", "storage_error",
                                       "rank")))
        console.print(detail)
