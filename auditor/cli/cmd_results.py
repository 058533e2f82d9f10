"""``auditor results --store PATH [--model MODEL_REF] --format jsonl|csv``: export generations."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from auditor.cli._app import app, err_console

_FORMATS = ("jsonl", "csv")


@app.command("results")
def results_command(
    store: Annotated[Path, typer.Option("--store", help="Results store (SQLite).")] = Path(
        "audit.db"
    ),
    model: Annotated[
        str | None,
        typer.Option("--model", help="Only this model: a reference or a key as stored."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl | csv.")] = "jsonl",
    judge: Annotated[
        str | None, typer.Option("--judge", help="Verdict columns from this judge id only.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """One row per stored generation (model, item_id, category, framing, sample, prompt,
    response, reasoning, ...), plus verdict columns when the store has verdicts."""
    from auditor.errors import UsageError
    from auditor.outputs import atomic_open, check_outputs, store_inputs
    from auditor.refs import reference_to_key
    from auditor.store import Store, export_rows, write_csv, write_jsonl

    if fmt not in _FORMATS:
        raise UsageError(f"--format must be jsonl or csv, got {fmt!r}")
    if out is not None:
        check_outputs([out], store_inputs(store))
    with Store(store, readonly=True) as db:
        key = None
        if model is not None:
            known = db.models()
            key = reference_to_key(model, known)
            if key not in known:
                raise UsageError(
                    f"no generations for {model} ({key}) in {store}; stored models: "
                    f"{', '.join(known) or 'none'}"
                )
        rows = export_rows(db, model=key, judge_id=judge)
        writer = write_jsonl if fmt == "jsonl" else write_csv
        if out is None:
            count = writer(rows, sys.stdout)
        else:
            with atomic_open(out, newline="") as handle:
                count = writer(rows, handle)
    if out is not None:
        err_console.print(f"wrote {count} rows to {out}", highlight=False)
