"""``auditor judge-eval`` on harm labels (``--label-map harmful=harmful,unharmful=not_harmful``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.cli._app import console, err_console

if TYPE_CHECKING:
    from auditor.judges import HarmAgreement
    from auditor.tables import Row


def wants_harm(label_map: str | None, labels: Sequence[str]) -> bool:
    """Harm labels: a map whose targets are harm labels, or raw labels named so."""
    from auditor.judges import HARM_LABELS, is_harm_label_map

    if label_map:
        return is_harm_label_map(label_map)
    named = [label.strip().lower() for label in labels if label.strip()]
    return bool(named) and all(label in HARM_LABELS for label in named)


def eval_harm(
    file: Path,
    rows: Sequence[Row],
    columns: tuple[str, str, str],
    label_map: str | None,
    judge: str,
    json_out: Path | None,
    progress: Any,
    rubric: str | None = None,
) -> None:
    """Judge every labelled row and print (and optionally write) the harm agreement."""
    from auditor.errors import InputError
    from auditor.judges import (
        HarmLabelled,
        calibrate_harm,
        cell,
        get_judge,
        map_harm_label,
        parse_harm_label_map,
    )

    prompt_col, response_col, label_col = columns
    mapping = parse_harm_label_map(label_map) if label_map else None
    with_label = [r for r in rows if cell(r, label_col).strip()]
    if not with_label:
        raise InputError(f"{file}: no row has a label in column {label_col!r}")
    labelled = [
        HarmLabelled(cell(r, prompt_col), cell(r, response_col),
                     map_harm_label(cell(r, label_col), mapping))
        for r in with_label
    ]
    if len(with_label) < len(rows):
        err_console.print(f"{len(rows) - len(with_label)} rows without a label skipped")
    the_judge = get_judge(judge, **({"rubric": rubric} if rubric else {}))
    with progress(len(labelled), "judging") as bar:
        task = bar.add_task("judging", total=len(labelled))
        result = calibrate_harm(the_judge, labelled, progress=lambda n: bar.advance(task, n))
    print_harm(file, result)
    if json_out is not None:
        from reports import write_harm_agreement

        written = write_harm_agreement(result, json_out, dataset=file.name)
        console.print(f"agreement -> {written} (for auditor report --judge-agreement)",
                      highlight=False)


def _fmt(value: float) -> str:
    return "-" if value != value else f"{value:.3f}"  # NaN (undefined) shows "-"


def print_confusion(title: str, labels: Sequence[str], predicted: Sequence[str],
                    confusion: Sequence[Sequence[int]], shown: Sequence[int],
                    recall: dict[str, str]) -> None:
    """A confusion matrix (rows: the file's labels, columns: the judge's ``shown`` columns)
    with each label's recall, as ``judge-eval`` prints it for every dimension."""
    from rich.table import Table

    table = Table(title=f"{title} (rows: your label, columns: judge)")
    table.add_column("label \\ judge")
    for i in shown:
        table.add_column(predicted[i], justify="right")
    table.add_column("recall", justify="right")
    for name, row in zip(labels, confusion, strict=True):
        table.add_row(name, *(str(row[i]) for i in shown), recall[name])
    console.print(table)


def print_harm(file: Path, result: HarmAgreement) -> None:
    console.print(f"[bold]{file}[/]  judge {result.judge_id}  n={result.n}  dimension harm",
                  highlight=False)
    console.print(
        f"harm agreement        {_fmt(result.agreement)} (point decision, every row)\n"
        f"harm kappa            {_fmt(result.kappa)}\n"
        f"decided agreement     {_fmt(result.decided_agreement)} "
        f"(rows not left unclear)\n"
        f"decided kappa         {_fmt(result.decided_kappa)}\n"
        f"unclear               {result.n_unclear} ({result.unclear_share:.3f} of rows)",
        highlight=False,
    )
    shown = [i for i, name in enumerate(result.predicted)
             if name != "none" or any(row[i] for row in result.confusion)]
    print_confusion("harm confusion matrix", result.labels, result.predicted, result.confusion,
                    shown, {k: _fmt(v) for k, v in result.recall.items()})
    if result.n_model:
        console.print(f"model judge decided the harm of {result.n_model} rows "
                      f"({result.n_model / result.n:.3f} of rows)", highlight=False)
    if result.n_unassessed:
        console.print(f"{result.n_unassessed} rows without a harm assessment (an error, or a "
                      "judge without the harm dimension)")
