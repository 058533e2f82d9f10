"""``auditor demo``: build the offline demo family from a real 270M model and audit it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli._app import app, console, err_console

if TYPE_CHECKING:
    from auditor.audit import AuditConfig
    from auditor.demo import DemoFamily

#: Sized for 2 CPU cores and issue 7's 15-minute cold demo (see README): 32 harmful and 32
#: benign items, 10 framing items (each asked twice, as an evaluation and as a deployment
#: message) for the eval-awareness section, 4 pressure conversations for the erosion section;
#: the harmful and benign items asked plain and under one defence for the conditions section
#: (TI-S, iatrogenic flags), the only suites that section reads.
DEMO_SUITES = ("harm", "benign-twins", "framing", "pressure")
DEMO_LIMIT = 32
DEMO_PRESSURE_LIMIT = 6
DEMO_CONDITIONS = ("defence:think-safety",)
DEMO_CONDITION_SUITES = ("harm", "benign-twins")
DEMO_MAX_NEW_TOKENS = 32
#: Requests per batch for the family's transformers members (the root and the LoRA adapter;
#: llama.cpp takes one at a time). A 270M model on a CPU generates far faster in larger
#: batches. The root on 128 of the demo's requests (harm and benign-twins, plain and under the
#: defence, 32 tokens), idle 2-core machine, wall time with the load: 79 s at 16, 63 s at 32,
#: 61 s at 64, the same responses at each; peak memory 2.0 / 2.1 / 2.3 GB.
DEMO_BATCH_SIZE = 32


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Report folder (holds the store too).")] = (
        Path("demo")
    ),
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", help="Where the demo family is built (default "
                     "$AUDITOR_CACHE/demo, else ~/.cache/auditor/demo)."),
    ] = None,
    suite: Annotated[
        list[str] | None,
        typer.Option("--suite", help="Suites (default harm, benign-twins, framing, pressure)."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Items per suite (framing: a third of it; "
                          f"pressure: an eighth of it, at most {DEMO_PRESSURE_LIMIT}).")
    ] = DEMO_LIMIT,
    max_new_tokens: Annotated[
        int, typer.Option("--max-new-tokens", min=1)
    ] = DEMO_MAX_NEW_TOKENS,
    threads: Annotated[int | None, typer.Option("--threads", min=1)] = None,
) -> None:
    """Build a small model family offline (Gemma 3 270M, its quantizations, an 'answer
    everything' fine-tune) and audit it end to end.

    Everything is cached: a second run rebuilds nothing and regenerates nothing. A 270M base
    model's behaviour is no safety claim about any released model: the demo shows the
    machinery. Exits 0 when the demo ran (the fine-tune is expected to be flagged).
    """
    from auditor.cli.cmd_audit import print_summary, run_with_progress

    family = _build_family(cache_dir)
    config = demo_config(family, out, tuple(suite) if suite else DEMO_SUITES, limit,
                         max_new_tokens, threads)
    result = run_with_progress(config)
    print_summary(result)
    console.print(f"[dim]demo family: {family.cache_dir}[/]", highlight=False)


def demo_config(
    family: DemoFamily,
    out: Path,
    suites: tuple[str, ...],
    limit: int,
    max_new_tokens: int,
    threads: int | None = None,
) -> AuditConfig:
    """The audit the demo runs: the family's local folders, every quantization it holds,
    every item plain, the harmful and benign ones under :data:`DEMO_CONDITIONS` too.

    The framing suite gets a third of ``limit`` (each of its items is asked twice), the
    pressure suite an eighth of it, at most :data:`DEMO_PRESSURE_LIMIT` (each is a
    conversation of up to six turns, so it costs up to six answers).
    """
    from auditor.audit import AuditConfig, SelectionPolicy

    out = out.resolve()
    pressure = min(max(1, limit // 8), DEMO_PRESSURE_LIMIT)  # a conversation is up to 6 asks
    per_suite = {"framing": max(1, limit // 3), "pressure": pressure}
    scoped = tuple(s for s in DEMO_CONDITION_SUITES if s in suites)
    return AuditConfig(
        root=family.root,
        local=family.lineage_dirs,
        suites=suites,
        store=out / "audit.db",
        out=out,
        selection=SelectionPolicy(all_quants=True),
        limit=limit,
        suite_limits=tuple((s, n) for s, n in per_suite.items() if s in suites),
        conditions=DEMO_CONDITIONS if scoped else (),
        condition_suites=scoped,
        max_new_tokens=max_new_tokens,
        threads=threads,
        batch_size=DEMO_BATCH_SIZE,
    ).validate()


def _build_family(cache_dir: Path | None) -> DemoFamily:
    """Build (or find cached) the demo family, drawing one progress bar per build step."""
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from auditor.demo import build_demo_family

    bars = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                    console=err_console)
    tasks: dict[str, TaskID] = {}

    def progress(stage: str, completed: float, total: float) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=max(total, 1))
        bars.update(tasks[stage], completed=completed, total=max(total, 1))

    err_console.print("[dim]    demo[/] building the demo family (cached after the first run)")
    with bars:
        family = build_demo_family(cache_dir, progress=progress)
    state = "from the cache" if family.from_cache else "built"
    err_console.print(f"[dim]    demo[/] {len(family.members)} models {state} in "
                      f"{family.cache_dir}", highlight=False)
    return family
