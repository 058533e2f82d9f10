"""``auditor judge`` (judge a file of responses, or a whole store) and ``auditor judge-eval``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli._app import app, console, err_console
from auditor.cli._judge_harm import print_confusion

if TYPE_CHECKING:
    from auditor.judges import CalibrationResult, ModelVerdicts

_JUDGE_HELP = (
    "heuristic (default, offline), a MODEL_REF that judges with the rubric, or "
    "cascade:MODEL_REF (the offline judge decides clear cases, the model the unclear ones)."
)
_RUBRIC_HELP = (
    "With a model judge: verdict (stance; the default), harmbench (yes/no), strongreject "
    "(refusal, convincingness, specificity -> score) or llamaguard (safe/unsafe + categories); "
    "a cascade defaults to harmbench."
)


def _judge_of(judge: str, rubric: str | None):  # type: ignore[no-untyped-def]
    from auditor.judges import get_judge

    return get_judge(judge, **({"rubric": rubric} if rubric else {}))


def _print_model_calls(the_judge: object, total: int) -> None:
    calls = getattr(the_judge, "model_calls", None)
    if calls is not None and total:
        console.print(f"model judge consulted on {calls} of {total} responses "
                      f"({calls / total:.3f})", highlight=False)


def _progress(total: int, label: str):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=total < 50,
    )


@app.command("judge")
def judge_command(
    file: Annotated[
        Path | None, typer.Argument(metavar="FILE", help="CSV or JSONL of responses.")
    ] = None,
    prompt_col: Annotated[
        str | None, typer.Option("--prompt-col", help="Column holding the request.")
    ] = None,
    response_col: Annotated[
        str | None, typer.Option("--response-col", help="Column holding the response.")
    ] = None,
    reasoning_col: Annotated[
        str | None,
        typer.Option("--reasoning-col", help="Column holding the reasoning trace (optional)."),
    ] = None,
    judge: Annotated[str, typer.Option("--judge", help=_JUDGE_HELP)] = "heuristic",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output JSONL (one row per input row).")
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Judge every stored generation in this store instead of a FILE "
            "(never regenerates; skips generations this judge already judged).",
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="With --store: only this model key.")
    ] = None,
    rejudge: Annotated[
        bool,
        typer.Option("--rejudge", help="With --store: replace this judge's verdicts (verdicts of "
                     "older judge versions stay readable beside the new ones)."),
    ] = False,
    rubric: Annotated[str | None, typer.Option("--rubric", help=_RUBRIC_HELP)] = None,
) -> None:
    """Judge responses: refusal, compliance, partial, not_gradeable or error, with evidence."""
    from auditor.errors import UsageError

    if store is not None:
        if file is not None or out is not None:
            raise UsageError("give either FILE ... --out OUT.jsonl or --store PATH, not both")
        _judge_store(store, judge, model, rejudge, rubric)
        return
    if file is None or prompt_col is None or response_col is None or out is None:
        raise UsageError(
            "usage: auditor judge FILE --prompt-col C --response-col C [--reasoning-col C] "
            "[--judge heuristic|MODEL_REF] --out OUT.jsonl   (or: auditor judge --store PATH)"
        )
    _judge_file(file, prompt_col, response_col, reasoning_col, judge, out, rubric)


def _judge_file(
    file: Path, prompt_col: str, response_col: str, reasoning_col: str | None, judge: str,
    out: Path, rubric: str | None = None,
) -> None:
    from collections import Counter

    from auditor.judges import (
        ModelVerdicts,
        TraceAnalysis,
        judge_rows,
        read_table,
        require_columns,
        summarize_traces,
        write_jsonl_atomic,
    )
    from auditor.outputs import check_outputs

    check_outputs([out], [("the input file", file)])
    rows = read_table(file)
    require_columns(rows, file, (prompt_col, response_col, reasoning_col))
    the_judge = _judge_of(judge, rubric)
    counts: Counter[str] = Counter()
    traces: list[TraceAnalysis] = []
    with _progress(len(rows), "judging") as bar:
        task = bar.add_task("judging", total=len(rows))
        judged = judge_rows(
            rows,
            the_judge,
            prompt_col=prompt_col,
            response_col=response_col,
            reasoning_col=reasoning_col,
            progress=lambda n: bar.advance(task, n),
            traces=traces,
        )

        def counted():  # type: ignore[no-untyped-def]
            for row in judged:
                counts[row["verdict"]] += 1
                yield row

        written = write_jsonl_atomic(counted(), out)
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    console.print(f"{written} rows judged by {the_judge.judge_id} -> {out} ({summary})")
    _print_model_calls(the_judge, written)
    if reasoning_col:
        _print_summary([ModelVerdicts(file.name, dict(counts), summarize_traces(traces))])


def _judge_store(
    path: Path, judge: str, model: str | None, rejudge: bool, rubric: str | None = None
) -> None:
    from auditor.errors import InputError
    from auditor.judges import judge_store, store_summary
    from auditor.store import Store

    if not path.is_file():
        raise InputError(f"{path}: no such store")
    the_judge = _judge_of(judge, rubric)
    with Store(path) as st:
        total = st.count_generations(model=model)
        with _progress(total, "judging") as bar:
            task = bar.add_task("judging stored generations", total=total)
            written = judge_store(
                st, the_judge, model=model, rejudge=rejudge,
                progress=lambda n: bar.advance(task, n),
            )
        summary = store_summary(st, the_judge)
    console.print(
        f"{written} new verdicts by {the_judge.judge_id} in {path} "
        f"({total - written} generations already judged or skipped)"
    )
    _print_summary(summary)


def _pct(value: float) -> str:
    return "-" if value != value else f"{100 * value:.0f}%"  # NaN (no denominator) shows "-"


def _print_summary(summary: list[ModelVerdicts]) -> None:
    from rich.table import Table

    if not summary:
        return
    names = sorted({v for m in summary for v in m.counts})
    table = Table(title="verdicts per model")
    table.add_column("model", overflow="fold")
    for name in names:
        table.add_column(name, justify="right")
    traced = any(m.traces.n_traces for m in summary)
    if traced:
        for col in ("traces", "detected", "override", "pivot", "justifications", "eval-aware",
                    "mean thinking chars"):
            table.add_column(col, justify="right")
    for m in summary:
        cells = [str(m.counts.get(name, 0)) for name in names]
        if traced:
            t = m.traces
            mix = ", ".join(f"{k} {_pct(v)}" for k, v in t.justification_mix.items()) or "-"
            thinking = "-" if t.n_traces == 0 else f"{t.mean_thinking_chars:.0f}"
            cells += [str(t.n_traces), _pct(t.detection_rate), _pct(t.override_rate),
                      _pct(t.pivot_share), mix, _pct(t.eval_aware_rate), thinking]
        table.add_row(m.model, *cells)
    console.print(table)


@app.command("judge-eval")
def judge_eval_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="CSV or JSONL with labels.")],
    prompt_col: Annotated[str, typer.Option("--prompt-col", help="Column holding the request.")],
    response_col: Annotated[
        str, typer.Option("--response-col", help="Column holding the response.")
    ],
    label_col: Annotated[str, typer.Option("--label-col", help="Column holding your label.")],
    label_map: Annotated[
        str | None,
        typer.Option(
            "--label-map",
            help="raw=verdict,... mapping your labels to refusal|compliance|partial|"
            "not_gradeable|error (labels already named so need no mapping). Harm labels "
            "measure the harm dimension: harmful=harmful,unharmful=not_harmful.",
        ),
    ] = None,
    judge: Annotated[str, typer.Option("--judge", help=_JUDGE_HELP)] = "heuristic",
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json",
            metavar="OUT",
            help="Also write the agreement as JSON for `auditor report --judge-agreement OUT` "
            "(dataset, n, 3-way accuracy, linearly weighted kappa, judge_id).",
        ),
    ] = None,
    rubric: Annotated[str | None, typer.Option("--rubric", help=_RUBRIC_HELP)] = None,
) -> None:
    """Measure a judge against your labels: accuracy, Cohen's kappa, confusion, recall.

    Stance labels (refusal / compliance / partial) measure the stance; harm labels (harmful /
    not_harmful) measure the harm dimension, with the share the judge left unclear.
    """
    from auditor.errors import InputError
    from auditor.judges import (
        LabelledResponse,
        calibrate,
        cell,
        map_label,
        parse_label_map,
        read_table,
        require_columns,
    )
    from auditor.outputs import check_outputs

    if json_out is not None:
        check_outputs([json_out], [("the labelled file", file)])
    rows = read_table(file)
    require_columns(rows, file, (prompt_col, response_col, label_col))
    from auditor.cli._judge_harm import eval_harm, wants_harm

    if wants_harm(label_map, [cell(r, label_col) for r in rows]):
        columns = (prompt_col, response_col, label_col)
        eval_harm(file, rows, columns, label_map, judge, json_out, _progress, rubric)
        return
    mapping = parse_label_map(label_map) if label_map else None
    with_label = [r for r in rows if cell(r, label_col).strip()]
    if not with_label:
        raise InputError(f"{file}: no row has a label in column {label_col!r}")
    labelled = [
        LabelledResponse(
            cell(r, prompt_col), cell(r, response_col), map_label(cell(r, label_col), mapping)
        )
        for r in with_label
    ]
    if len(with_label) < len(rows):
        err_console.print(f"{len(rows) - len(with_label)} rows without a label skipped")
    the_judge = _judge_of(judge, rubric)
    with _progress(len(labelled), "judging") as bar:
        task = bar.add_task("judging", total=len(labelled))
        result = calibrate(the_judge, labelled, progress=lambda n: bar.advance(task, n))
    _print_calibration(file, result)
    _print_model_calls(the_judge, result.n)
    if json_out is not None:
        from reports import write_judge_agreement

        written = write_judge_agreement(result, json_out, dataset=file.name)
        console.print(f"agreement -> {written} (for auditor report --judge-agreement)",
                      highlight=False)


def _print_calibration(file: Path, result: CalibrationResult) -> None:
    console.print(f"[bold]{file}[/]  judge {result.judge_id}  n={result.n}", highlight=False)
    console.print(
        f"accuracy (3-way)      {result.accuracy:.3f}\n"
        f"Cohen's kappa         {result.kappa:.3f} (linear weights, refusal<partial<compliance)\n"
        f"Cohen's kappa         {result.kappa_unweighted:.3f} (unweighted)\n"
        f"binary agreement      {result.binary_agreement:.3f} "
        f"(refusal or partial vs compliance)\n"
        f"binary kappa          {result.binary_kappa:.3f}",
        highlight=False,
    )
    shown = [i for i, name in enumerate(result.predicted)
             if i < 3 or any(row[i] for row in result.confusion)]
    print_confusion("confusion matrix", result.labels, result.predicted, result.confusion, shown,
                    {k: f"{v:.3f}" for k, v in result.recall.items()})
    if result.n_ungraded:
        console.print(f"{result.n_ungraded} rows not graded on the 3-way scale by one side")
