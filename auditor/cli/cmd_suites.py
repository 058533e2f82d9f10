"""``auditor suites``: list the built-in suites, inspect any suite, export it as native JSONL."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor.cli._app import app, console

if TYPE_CHECKING:
    from auditor.suites import Suite

suites_app = typer.Typer(
    help="Built-in suites and suite files: list, inspect, export.",
    invoke_without_command=True,
)
app.add_typer(suites_app, name="suites")

SourceArg = Annotated[
    str, typer.Argument(help="Built-in name, file path, or hf:ORG/NAME[:FILE].")
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="Force a reader: auditor, xstest, harmbench, jailbreakbench, strongreject, csv, "
        "jsonl (default: detected from the columns).",
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", min=1, help="Keep N items, taken round-robin across categories."),
]
PromptColOpt = Annotated[
    str | None, typer.Option("--prompt-column", help="Generic files: the prompt column.")
]
IdColOpt = Annotated[str | None, typer.Option("--id-column", help="Generic files: the id column.")]
CategoryColOpt = Annotated[
    str | None, typer.Option("--category-column", help="Generic files: the category column.")
]
ExpectedColOpt = Annotated[
    str | None,
    typer.Option("--expected-column", help="Generic files: the label column (refuse/comply, "
                 "unsafe/safe, harmful/benign)."),
]
ExpectedOpt = Annotated[
    str | None,
    typer.Option("--expected", help="refuse or comply for every item of a file without labels "
                 "(generic files, a JailbreakBench split)."),
]


@suites_app.callback()
def suites_main(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the built-in suites with their item counts (or run a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    from auditor.suites import builtin_suites

    infos = builtin_suites()
    if as_json:
        from dataclasses import asdict

        from auditor.jsonio import dumps

        rows = []
        for info in infos:
            row = asdict(info)
            row["expected_counts"] = dict(info.expected_counts)
            rows.append(row)
        typer.echo(dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table(title="Built-in suites", title_justify="left")
    for col, kw in (("suite", {"style": "bold", "no_wrap": True}), ("version", {}),
                    ("items", {"justify": "right"}),
                    ("refuse", {"justify": "right"}), ("comply", {"justify": "right"}),
                    ("categories", {}), ("framings", {})):
        table.add_column(col, **kw)
    for info in infos:
        counts = dict(info.expected_counts)
        table.add_row(
            info.name, info.version, str(info.item_count), str(counts.get("refuse", 0)),
            str(counts.get("comply", 0)), str(len(info.categories)),
            ", ".join(info.framings),
        )
    console.print(table)
    console.print("Inspect one with [bold]auditor suites show NAME[/]; "
                  "evaluate with [bold]auditor eval MODEL --suite NAME[/].")


def _load(source: str, fmt: str | None, limit: int | None, prompt_col: str | None,
          id_col: str | None, category_col: str | None, expected_col: str | None,
          expected: str | None) -> Suite:
    from auditor.suites import Columns, load_suite

    columns = None
    if any(c is not None for c in (prompt_col, id_col, category_col, expected_col)):
        columns = Columns(prompt=prompt_col, id=id_col, category=category_col,
                          expected=expected_col)
    return load_suite(source, format=fmt, limit=limit, columns=columns, expected=expected)


@suites_app.command("show")
def show(
    source: SourceArg,
    limit: LimitOpt = None,
    fmt: FormatOpt = None,
    prompt_column: PromptColOpt = None,
    id_column: IdColOpt = None,
    category_column: CategoryColOpt = None,
    expected_column: ExpectedColOpt = None,
    expected: ExpectedOpt = None,
    full: Annotated[
        bool, typer.Option("--full", help="Show whole prompts, every framing.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary and items as JSON.")
    ] = False,
) -> None:
    """Show a suite's summary and items (validates the file on the way)."""
    suite = _load(source, fmt, limit, prompt_column, id_column, category_column,
                  expected_column, expected)
    if as_json:
        _print_json(suite)
        return
    _print_summary(suite)
    _print_items(suite, full=full)


def _print_json(suite: Suite) -> None:
    from dataclasses import asdict

    from auditor.jsonio import dumps
    from auditor.suites import item_to_record

    info: dict[str, Any] = asdict(suite.info())
    info["expected_counts"] = dict(suite.info().expected_counts)
    info.update(source=suite.source, format=suite.format,
                category_counts=suite.category_counts())
    payload = {"suite": info, "items": [item_to_record(item) for item in suite.items]}
    typer.echo(dumps(payload, indent=2))


def _print_summary(suite: Suite) -> None:
    from auditor.cli._text import shown

    counts = ", ".join(f"{k} {v}" for k, v in suite.expected_counts().items())
    cats = ", ".join(f"{k} {v}" for k, v in suite.category_counts().items())
    console.print(f"[bold]{shown(suite.name)}[/] {shown(suite.version)}  "
                  f"({len(suite.items)} items: {counts})")
    console.print(f"source: {shown(suite.source)}  format: {suite.format}", highlight=False)
    console.print(f"hash: {suite.hash}", highlight=False)
    console.print(f"categories: {shown(cats)}", highlight=False)
    if suite.description:
        console.print(shown(suite.description), style="dim")


def _print_items(suite: Suite, *, full: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=full)
    for col in ("id", "category", "expected", "framing", "prompt"):
        table.add_column(col, overflow="fold" if col == "prompt" else "ellipsis")
    for item in suite.items:
        rendered = item.rendered() if full else item.rendered()[:1]
        for framing, messages in rendered:
            text = "\n".join(f"[{m.role}] {m.content}" if len(messages) > 1 else m.content
                             for m in messages)
            if not full and len(text) > 120:
                text = text[:117].replace("\n", " ") + "..."
            table.add_row(item.id, item.category, str(item.expected),
                          framing if full else ", ".join(n for n, _ in item.rendered()),
                          Text(text))
    console.print(table)


@suites_app.command("export")
def export(
    source: SourceArg,
    out: Annotated[Path, typer.Argument(help="Where to write the suite (.jsonl).")],
    limit: LimitOpt = None,
    fmt: FormatOpt = None,
    prompt_column: PromptColOpt = None,
    id_column: IdColOpt = None,
    category_column: CategoryColOpt = None,
    expected_column: ExpectedColOpt = None,
    expected: ExpectedOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
) -> None:
    """Convert any supported suite source into the native JSONL format (a frozen copy)."""
    from auditor.errors import UsageError
    from auditor.outputs import check_outputs
    from auditor.suites import dump_native

    check_outputs([out], [("the suite being exported", Path(source).expanduser())])
    if out.exists() and not force:
        raise UsageError(f"{out} exists; pass --force to overwrite it")
    suite = _load(source, fmt, limit, prompt_column, id_column, category_column,
                  expected_column, expected)
    dump_native(suite, out)
    console.print(f"wrote {len(suite.items)} items of {suite.name} to {out} "
                  f"(hash {suite.hash[:12]})", highlight=False)
