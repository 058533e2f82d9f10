"""``auditor doctor``: check this installation; exit 0 when healthy, 1 naming what to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor.cli._app import app, console, err_console

if TYPE_CHECKING:
    from rich.table import Table

    from auditor.doctor import DoctorReport


@app.command("doctor")
def doctor_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    decode: Annotated[
        bool,
        typer.Option("--decode/--no-decode",
                     help="Decode a tiny model with each backend (--no-decode: about 1 s)."),
    ] = True,
    threads: Annotated[
        int | None, typer.Option("--threads", min=1, help="CPU threads for llama.cpp's decodes.")
    ] = None,
) -> None:
    """Check the installation: versions, backends (each decodes a tiny model built on the
    spot, in a worker process, so a crashing build is reported), CPU features, llama.cpp and
    torch builds, GPU, Hub settings, caches and free disk.

    Exits 0 when healthy, 1 when something is broken (each problem names its fix).
    """
    from auditor.doctor import run_doctor
    from auditor.jsonio import dumps

    if as_json:
        report = run_doctor(decode=decode, threads=threads)
        typer.echo(dumps(report, indent=2, ensure_ascii=True))
    else:
        with err_console.status("checking backends on tiny models built on the spot..."):
            report = run_doctor(decode=decode, threads=threads)
        print_report(report)
    raise typer.Exit(0 if report.healthy else 1)


def print_report(report: DoctorReport) -> None:
    """The findings as rich tables, problems and their fixes last."""
    for table in (_backends(report), _decodes(report), _system(report), _caches(report),
                  _packages(report)):
        if table.row_count:
            console.print(table)
    for p in report.problems:
        colour = "red" if p.severity == "error" else "yellow"
        console.print(_text(f"{p.severity}: {p.message}", colour))
        console.print(_text(f"  fix: {p.fix}", "dim"))
    verdict = "healthy" if report.healthy else "broken"
    n = sum(p.severity == "error" for p in report.problems)
    tail = "" if report.healthy else f": {n} problem{'s' if n != 1 else ''} to fix"
    console.print(_text(f"{verdict}{tail} (checked in {report.seconds:.1f} s)",
                        "bold green" if report.healthy else "bold red"))


def _table(title: str, *columns: str, header: bool = True) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_header=header)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _text(value: Any, style: str = "") -> Any:
    """Plain text, never markup: paths, errors and model output may hold brackets."""
    from rich.text import Text

    return Text("–" if value is None else str(value), style=style)


def _flag(value: bool | None) -> Any:
    if value is None:
        return _text("–", "dim")
    return _text("yes", "green") if value else _text("no", "red")


def _backends(report: DoctorReport) -> Table:
    table = _table("Backends", "backend", "available", "works", "version", "details")
    for b in report.backends:
        works = _flag(b.works) if b.available else _text("–", "dim")
        detail = _text(b.error, "red") if b.error and b.works is False else _text(
            b.error or b.note or "")
        table.add_row(_text(b.name), _flag(b.available), works, _text(b.version), detail)
    return table


def _decodes(report: DoctorReport) -> Table:
    table = _table("Decodes (tiny models, worker processes)", "backend", "model", "result",
                   "seconds", "text / error")
    for d in report.decodes:
        result = _text("ok", "green") if d.works else _text("failed", "red")
        table.add_row(_text(d.backend), _text(d.model), result, _text(f"{d.seconds:.1f}"),
                      _text(repr(d.text) if d.works else d.error))
    return table


def _system(report: DoctorReport) -> Table:
    b, cpu, gpu, hub = report.build, report.cpu, report.gpu, report.hub
    table = _table("System", "", "", header=False)
    cores = f"{cpu.logical_cores} logical, {cpu.usable_cores} usable"
    llama = (f"{b.llama_cpp_version}: {b.llama_cpp_system_info}" if b.llama_cpp_version
             and not b.llama_cpp_error else b.llama_cpp_error or "not installed")
    torch = (f"{b.torch_version}, {b.torch_build}, CPU kernels {b.torch_cpu_capability}"
             if b.torch_build else b.torch_error or "not installed")
    devices = ", ".join(f"{d.name} ({d.memory_gib} GiB)" for d in gpu.devices) or "none"
    token = f"set ({hub.token_source})" if hub.token_set else "not set"
    ray = report.executors[0] if report.executors else None
    rows = [
        ("auditor", report.tool_version),
        ("python", report.python),
        ("CPU", f"{cpu.model} ({cpu.architecture}, {cores})"),
        ("CPU features", " ".join(cpu.features) or "unknown"),
        ("llama.cpp build", llama),
        ("torch build", torch),
        ("torch config", b.torch_config or "–"),
        ("GPU", f"{devices}; torch sees CUDA: "
                f"{'yes' if gpu.torch_cuda_available else 'no'}"
                + (f"; driver {gpu.driver_version}" if gpu.driver_version else "")
                + (f"; {gpu.error}" if gpu.error else "")),
        ("Ray (executor)", (ray.version or ray.note) if ray else "–"),
        ("GGUF converter", report.converter.version or "not installed (--quantize needs it)"),
        ("HF_ENDPOINT", hub.endpoint + ("" if hub.endpoint_from_env else " (default)")
         + (" (offline mode)" if hub.offline else "")),
        ("Hub token", token),
    ]
    for key, value in rows:
        table.add_row(_text(key, "bold"), _text(value))
    return table


def _caches(report: DoctorReport) -> Table:
    table = _table("Caches and disk", "cache", "path", "set by", "exists", "free")
    for c in report.caches:
        free = "–" if c.free_bytes is None else f"{c.free_bytes / 2**30:.1f} GiB"
        setter = c.variable if c.from_env else f"default (${c.variable} unset)"
        table.add_row(_text(c.name), _text(c.path), _text(setter), _flag(c.exists),
                      _text(free))
    return table


def _packages(report: DoctorReport) -> Table:
    table = _table("Packages", "package", "version")
    for p in report.packages:
        table.add_row(_text(p.name), _text(p.version or "not installed",
                                           "" if p.version else "dim"))
    return table
