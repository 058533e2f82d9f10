"""``auditor audit``: crawl, select, evaluate, judge, compare and report one family."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor.cli import _options as opt
from auditor.cli._app import app, console, err_console
from auditor.cli._report_options import JUDGE_AGREEMENT

if TYPE_CHECKING:
    from auditor.audit import AuditConfig, AuditEvent, AuditResult
    from auditor.cli._run_progress import RunProgressBar


@app.command("audit")
def audit_command(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ROOT_ID|LINEAGE.json",
            help="The root's Hub id, or a lineage JSON file; with --local, extra folders may "
            "follow.",
            show_default=False,
        ),
    ] = None,
    local: Annotated[
        list[Path] | None,
        typer.Option("--local", metavar="DIR", help="Local model folders or .gguf files "
                     "forming the family (repeatable)."),
    ] = None,
    lineage: Annotated[
        Path | None, typer.Option("--lineage", metavar="FILE", help="A saved lineage JSON.")
    ] = None,
    suite: Annotated[
        list[str] | None,
        typer.Option("--suite", help="Suite name or file (repeatable; default harm and "
                     "benign-twins)."),
    ] = None,
    store: Annotated[Path | None, typer.Option("--store", help="Results store.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Report folder.")] = None,
    config_file: Annotated[
        Path | None,
        typer.Option("--config", metavar="FILE", help="TOML file with any of these options "
                     "([audit] table); the command line overrides it."),
    ] = None,
    relation: Annotated[
        list[str] | None, typer.Option("--relation", help="Keep derivatives of this relation.")
    ] = None,
    min_downloads: Annotated[int | None, typer.Option("--min-downloads", min=0)] = None,
    top_n: Annotated[
        int | None, typer.Option("--top-n", min=0, help="Most downloaded N per relation.")
    ] = None,
    include: Annotated[list[str] | None, typer.Option("--include", help="Always audit.")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Never audit.")] = None,
    quant: Annotated[
        list[str] | None,
        typer.Option("--quant", help="GGUF types to test in quantized repos (default Q4_K_M, "
                     "Q8_0)."),
    ] = None,
    all_quants: Annotated[
        bool | None, typer.Option("--all-quants", help="Test every GGUF file.")
    ] = None,
    override: Annotated[
        list[str] | None,
        typer.Option("--override", metavar="NODE=REF", help="Evaluate NODE as REF, e.g. "
                     "org/x=openai:http://127.0.0.1:8000/v1#x (repeatable)."),
    ] = None,
    depth: Annotated[int | None, typer.Option("--depth", min=0)] = None,
    max_nodes: Annotated[int | None, typer.Option("--max-nodes", min=1)] = None,
    verify_lineage: Annotated[
        bool | None, typer.Option("--verify-lineage", help="Check each parent-child edge by "
                                  "the weights before comparing (as `auditor verify`); a "
                                  "contradicted parent is still compared, and the report "
                                  "says so.")
    ] = None,
    signing_key: Annotated[
        Path | None, typer.Option("--signing-key", metavar="PEM", help="Public key (ECDSA "
                                  "PEM) to check the OpenSSF model-signing signatures "
                                  "(model.sig) of the models; without it a signature is "
                                  "recorded as unverifiable.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Items per suite.")] = None,
    suite_limit: Annotated[
        list[str] | None,
        typer.Option("--suite-limit", metavar="SUITE=N", help="Items of one suite, over "
                     "--limit (repeatable), e.g. framing=16."),
    ] = None,
    condition: Annotated[list[str] | None, opt.CONDITION] = None,
    condition_suite: Annotated[
        list[str] | None,
        typer.Option("--condition-suite", metavar="SUITE", show_default="every suite",
                     help="Ask the --condition conditions on this suite's items only "
                     "(repeatable); the other suites are asked plain only."),
    ] = None,
    quantize: Annotated[list[str] | None, opt.QUANTIZE] = None,
    max_new_tokens: Annotated[int | None, opt.MAX_NEW_TOKENS] = None,
    seed: Annotated[int | None, opt.SEED] = None,
    samples: Annotated[int | None, opt.SAMPLES] = None,
    temperature: Annotated[float | None, opt.TEMPERATURE] = None,
    top_p: Annotated[float | None, opt.TOP_P] = None,
    enable_thinking: Annotated[bool | None, opt.ENABLE_THINKING] = None,
    backend: Annotated[str | None, opt.BACKEND] = None,
    device: Annotated[str | None, opt.DEVICE] = None,
    dtype: Annotated[str | None, opt.DTYPE] = None,
    chat_template: Annotated[str | None, opt.CHAT_TEMPLATE] = None,
    threads: Annotated[int | None, opt.THREADS] = None,
    n_gpu_layers: Annotated[int | None, opt.N_GPU_LAYERS] = None,
    n_ctx: Annotated[int | None, opt.N_CTX] = None,
    batch_size: Annotated[int | None, opt.BATCH_SIZE] = None,
    concurrency: Annotated[int | None, opt.CONCURRENCY] = None,
    gpu_memory_utilization: Annotated[float | None, opt.GPU_MEMORY_UTILIZATION] = None,
    tensor_parallel: Annotated[int | None, opt.TENSOR_PARALLEL] = None,
    request_timeout: Annotated[float | None, opt.REQUEST_TIMEOUT] = None,
    in_process: Annotated[bool | None, opt.IN_PROCESS] = None,
    judge: Annotated[str | None, typer.Option("--judge", help="heuristic or a model ref.")] = None,
    rubric: Annotated[
        str | None,
        typer.Option("--rubric", help="With a model or cascade judge: verdict, harmbench, "
                     "strongreject or llamaguard, as for 'auditor judge --rubric'."),
    ] = None,
    judge_agreement: Annotated[list[Path] | None, JUDGE_AGREEMENT] = None,
    margin: Annotated[
        float | None, typer.Option("--margin", help="Non-inferiority margin.")
    ] = None,
    alpha: Annotated[float | None, typer.Option("--alpha")] = None,
    early_stop: Annotated[
        bool | None,
        typer.Option("--early-stop/--no-early-stop", help="Stop a derivative once its verdict "
                     "is settled (anytime-valid e-process)."),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="degraded (default) | inconclusive: exit 3 when any "
                     "derivative is degraded (or also inconclusive)."),
    ] = None,
    memory_limit_gb: Annotated[float | None, typer.Option("--memory-limit-gb")] = None,
    executor: Annotated[
        str | None,
        typer.Option("--executor", show_default="local",
                     help="local (models one after another in this process) | ray (fanned "
                     "out over a Ray cluster: pip install 'supply-chain-auditor[ray]')."),
    ] = None,
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", metavar="ADDR",
                     show_default="a local cluster started for the audit",
                     help="The Ray cluster for --executor ray, e.g. 10.0.0.5:6379 (as `ray "
                     "start --head` prints it) or auto."),
    ] = None,
    trust_remote_code: Annotated[bool | None, opt.TRUST_REMOTE_CODE] = None,
    allow_pickle: Annotated[bool | None, opt.ALLOW_PICKLE] = None,
) -> None:
    """Audit a family: which derivatives lost safety compared with the model they came from?

    Exit status: 0 nothing degraded, 3 a derivative flagged (see --fail-on), 2 usage or
    input errors, or no derivative (or not the root) could be evaluated. Re-running the
    same command resumes; nothing finished is recomputed.
    """
    from auditor.audit import AuditConfig, load_config_file, with_overrides

    base = load_config_file(config_file) if config_file else AuditConfig()
    root, dirs, lineage_file = _split_targets(targets or [], local or [], lineage)
    config = with_overrides(
        base,
        root=root, local=tuple(dirs) or None, lineage=lineage_file,
        suites=tuple(suite) if suite else None, store=store, out=out,
        relations=tuple(relation) if relation else None, min_downloads=min_downloads,
        top_n_per_relation=top_n, include=tuple(include) if include else None,
        exclude=tuple(exclude) if exclude else None,
        quant_types=tuple(quant) if quant else None, all_quants=all_quants,
        overrides=_parse_overrides(override) if override else None,
        depth=depth, max_nodes=max_nodes, verify_lineage=verify_lineage,
        signing_key=signing_key, limit=limit,
        suite_limits=_parse_suite_limits(suite_limit) if suite_limit else None,
        conditions=tuple(condition) if condition else None,
        condition_suites=tuple(condition_suite) if condition_suite else None,
        quantize=tuple(quantize) if quantize else None,
        max_new_tokens=max_new_tokens, seed=seed, samples=samples, temperature=temperature,
        top_p=top_p, enable_thinking=enable_thinking, backend=backend, device=device,
        dtype=dtype, chat_template=chat_template, threads=threads, n_gpu_layers=n_gpu_layers,
        n_ctx=n_ctx, batch_size=batch_size, concurrency=concurrency,
        gpu_memory_utilization=gpu_memory_utilization, tensor_parallel=tensor_parallel,
        request_timeout=request_timeout, in_process=in_process, judge=judge,
        rubric=rubric, judge_agreement=tuple(judge_agreement) if judge_agreement else None,
        margin=margin, alpha=alpha, early_stop=early_stop, fail_on=fail_on,
        memory_limit_gb=memory_limit_gb, executor=executor, ray_address=ray_address,
        trust_remote_code=trust_remote_code,
        allow_pickle=allow_pickle,
    ).validate()
    if config_file is not None:  # the other inputs are checked by run_audit
        from auditor.audit import report_outputs
        from auditor.outputs import check_outputs

        check_outputs(report_outputs(config.out), [("the config file", config_file)],
                      folders=[config.out])
    result = run_with_progress(config)
    print_summary(result)
    if result.failure:
        err_console.print(f"[bold red]error:[/] {_shown(result.failure)}", highlight=False,
                          soft_wrap=True)
    raise typer.Exit(result.exit_code)


def _split_targets(
    args: list[str], local: list[Path], lineage: Path | None
) -> tuple[str | None, list[Path], Path | None]:
    """Positional arguments: a lineage .json file, folders (with --local) and one root id."""
    from auditor.errors import UsageError

    dirs, roots = list(local), []
    for arg in args:
        path = Path(arg).expanduser()
        if path.suffix.lower() == ".json" and path.is_file() and lineage is None and not local:
            lineage = path
        elif local and path.exists():
            dirs.append(path)
        else:
            roots.append(arg)
    if len(roots) > 1:
        raise UsageError(f"give one root id, not {', '.join(roots)}")
    return (roots[0] if roots else None), dirs, lineage


def _parse_overrides(pairs: list[str]) -> tuple[tuple[str, str], ...]:
    return tuple(_split_pairs("--override", "NODE=REF", pairs))


def _parse_suite_limits(pairs: list[str]) -> tuple[tuple[str, int], ...]:
    from auditor.errors import UsageError

    parsed = []
    for name, value in _split_pairs("--suite-limit", "SUITE=N", pairs):
        if not value.isdigit():
            raise UsageError(f"--suite-limit takes SUITE=N with N a whole number, not {value!r}")
        parsed.append((name, int(value)))
    return tuple(parsed)


def _split_pairs(option: str, form: str, pairs: list[str]) -> list[tuple[str, str]]:
    from auditor.errors import UsageError

    parsed = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"{option} takes {form}, not {pair!r}")
        parsed.append((key.strip(), value.strip()))
    return parsed


class _AuditDisplay:
    """Draws audit events: a progress bar per evaluated model, a line per other stage."""

    def __init__(self) -> None:
        self.bar: RunProgressBar | None = None
        self.target = ""  # the model the bar follows (Ray workers report several at once)

    def __call__(self, event: AuditEvent) -> None:
        from auditor.cli._run_progress import RunProgressBar

        if event.stage == "load":
            self.close()
            self.bar, self.target = RunProgressBar(_shown(event.target)), event.target
            self.bar.__enter__()
        elif event.stage == "generate":
            if event.run is not None and self.bar is not None and event.target == self.target:
                self.bar.update(event.run)
        else:
            self.close()
            label = f"[yellow]skipped {_shown(event.target)}:[/] " if event.stage == "skip" else ""
            err_console.print(f"[dim]{event.stage:>8}[/] {label}{_shown(event.message)}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def run_with_progress(config: AuditConfig, **kwargs: Any) -> AuditResult:
    """Run an audit drawing its progress on stderr (shared with ``auditor demo``)."""
    from auditor.audit import run_audit

    display = _AuditDisplay()
    try:
        return run_audit(config, progress=display, **kwargs)
    finally:
        display.close()


_STYLE = {"degraded": "bold red", "not_degraded": "green", "inconclusive": "yellow"}


def _shown(text: str) -> str:
    """A name or message for rich markup (see :mod:`auditor.cli._text`)."""
    from auditor.cli._text import shown

    return shown(text)


def print_summary(result: AuditResult) -> None:
    """The verdict table, the not-audited list and where the report is."""
    from rich.table import Table

    report = result.report
    table = Table(title=f"Audit of {_shown(report.root)}", title_justify="left")
    table.add_column("derivative (relation, compared with)", overflow="fold")
    table.add_column("unsafe: parent → derivative", justify="right")
    table.add_column("Δ (95% CI)", justify="right")
    table.add_column("p (Holm)", justify="right")
    table.add_column("verdict")
    for d in report.derivatives:
        ci = f"\n({d.ci[0]:+.3f}, {d.ci[1]:+.3f})" if d.ci else ""
        diff = f"{d.difference:+.3f}{ci}" if d.difference is not None else "-"
        table.add_row(
            f"{_shown(d.id)}\n[dim]{d.relation} of {_shown(d.parent)}[/]",
            f"{_pct(d.parent_unsafe_rate)} → {_pct(d.unsafe_rate)}",
            diff,
            f"{d.p_adjusted:.4f}" if d.p_adjusted is not None else "-",
            f"[{_STYLE.get(str(d.verdict), '')}]{d.verdict}[/]",
        )
    if console.is_terminal:
        console.print(table)
    else:  # a log or a pipe: no reason to squeeze model ids into 80 columns
        from rich.console import Console

        Console(width=max(console.width, 132)).print(table)
    for n in report.not_audited:
        console.print(f"[dim]not audited[/] {_shown(n.id)}: {_shown(n.reason)}", highlight=False)
    counts = result.counts
    console.print(
        f"{len(report.derivatives)} derivatives: {counts['degraded']} degraded, "
        f"{counts['not_degraded']} not degraded, {counts['inconclusive']} inconclusive"
    )
    console.print(f"report: {result.html_path}\njson:   {result.json_path}", highlight=False)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"
