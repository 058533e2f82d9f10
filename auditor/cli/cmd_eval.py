"""``auditor eval MODEL_REF --suite NAME|PATH``: generate a suite with one model into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from auditor.cli import _options as opt
from auditor.cli._app import app, console

_BACKENDS = ("auto", "transformers", "llamacpp", "openai", "vllm")


@app.command("eval")
def eval_command(
    model_ref: Annotated[
        str,
        typer.Argument(
            metavar="MODEL_REF",
            help="Local HF folder, PEFT adapter folder or Hub repo, local .gguf, org/name[@rev], "
            "org/name-GGUF:Q4_K_M, or openai:BASE_URL#model.",
        ),
    ],
    suite: Annotated[str, typer.Option("--suite", help="Built-in suite name or suite file.")],
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="For a PEFT adapter (folder or Hub repo): the base model to apply it to (a "
            "folder or org/name[@rev]) instead of the one its adapter_config.json names.",
        ),
    ] = None,
    store: Annotated[Path, typer.Option("--store", help="Results store (SQLite).")] = Path(
        "audit.db"
    ),
    limit: Annotated[
        int | None, typer.Option("--limit", help="Evaluate at most N items.", min=1)
    ] = None,
    backend: Annotated[str | None, opt.BACKEND] = None,
    max_new_tokens: Annotated[int | None, opt.MAX_NEW_TOKENS] = None,
    seed: Annotated[int | None, opt.SEED] = None,
    samples: Annotated[int | None, opt.SAMPLES] = None,
    temperature: Annotated[float | None, opt.TEMPERATURE] = None,
    top_p: Annotated[float | None, opt.TOP_P] = None,
    trust_remote_code: Annotated[bool | None, opt.TRUST_REMOTE_CODE] = None,
    allow_pickle: Annotated[bool | None, opt.ALLOW_PICKLE] = None,
    device: Annotated[str | None, opt.DEVICE] = None,
    dtype: Annotated[str | None, opt.DTYPE] = None,
    threads: Annotated[int | None, opt.THREADS] = None,
    n_gpu_layers: Annotated[int | None, opt.N_GPU_LAYERS] = None,
    n_ctx: Annotated[int | None, opt.N_CTX] = None,
    batch_size: Annotated[int | None, opt.BATCH_SIZE] = None,
    concurrency: Annotated[int | None, opt.CONCURRENCY] = None,
    gpu_memory_utilization: Annotated[float | None, opt.GPU_MEMORY_UTILIZATION] = None,
    tensor_parallel: Annotated[int | None, opt.TENSOR_PARALLEL] = None,
    enable_thinking: Annotated[bool | None, opt.ENABLE_THINKING] = None,
    chat_template: Annotated[str | None, opt.CHAT_TEMPLATE] = None,
    request_timeout: Annotated[float | None, opt.REQUEST_TIMEOUT] = None,
    in_process: Annotated[bool | None, opt.IN_PROCESS] = None,
    condition: Annotated[list[str] | None, opt.CONDITION] = None,
    quantize: Annotated[list[str] | None, opt.QUANTIZE] = None,
) -> None:
    """Generate responses of one model to a suite; results go to the store as they finish.

    Re-running skips what is stored; an interrupted run resumes where it stopped. With
    --quantize, each made variant is then evaluated as its own model.
    """
    from auditor.audit import evaluation_parts
    from auditor.conditions import resolve_conditions
    from auditor.errors import UsageError
    from auditor.refs import resolve_reference
    from auditor.runner import run_eval
    from auditor.store import Store
    from auditor.suites import load_suite

    backend = backend or "auto"
    if backend not in _BACKENDS:
        raise UsageError(f"--backend must be one of {', '.join(_BACKENDS)}, got {backend!r}")
    config, options = evaluation_parts(
        max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p, seed=seed,
        samples=samples, enable_thinking=enable_thinking, device=device, dtype=dtype,
        trust_remote_code=trust_remote_code, allow_pickle=allow_pickle, threads=threads,
        n_gpu_layers=n_gpu_layers, n_ctx=n_ctx, batch_size=batch_size, concurrency=concurrency,
        gpu_memory_utilization=gpu_memory_utilization, tensor_parallel=tensor_parallel,
        chat_template=chat_template, request_timeout=request_timeout, in_process=in_process)
    conditions = resolve_conditions(condition or ())
    methods = _quantize_methods(quantize)
    loaded_suite = load_suite(suite, limit=limit)
    resolved = resolve_reference(model_ref, allow_pickle=options.allow_pickle, base=base)
    if base is not None and not resolved.is_adapter:
        raise UsageError(f"--base applies to PEFT adapters only; "
                         f"{resolved.identity.reference} is {resolved.identity.format}")
    with Store(store) as db, _progress_bar(resolved.key) as bar:
        summary = run_eval(resolved, loaded_suite.items, db, config, suite=loaded_suite.name,
                           backend=backend, options=options, progress=bar.update,
                           conditions=conditions)
    _print_summary(summary, store)
    for outcome in _made_variants(model_ref, resolved, methods, options.allow_pickle):
        from auditor.cli._text import shown

        if not outcome.reference:
            console.print(f"[yellow]{outcome.method}: not evaluated: {shown(outcome.reason)}[/]",
                          highlight=False)
            continue
        made = resolve_reference(outcome.reference, allow_pickle=options.allow_pickle)
        console.print(shown(outcome.evidence), highlight=False)
        with Store(store) as db, _progress_bar(made.key) as bar:
            summary = run_eval(made, loaded_suite.items, db, config, suite=loaded_suite.name,
                               backend="llamacpp" if backend == "llamacpp" else "auto",
                               options=options, progress=bar.update, conditions=conditions)
        _print_summary(summary, store)


def _quantize_methods(values: list[str] | None) -> tuple[Any, ...]:
    from auditor.quantize import parse_methods

    return parse_methods(values or ())


def _made_variants(model_ref: str, resolved: Any, methods: tuple[Any, ...], allow_pickle: bool
                   ) -> tuple[Any, ...]:
    from auditor.quantize import make_variants

    if not methods:
        return ()
    return make_variants(resolved.hf_dir, resolved.key, resolved.identity.format, methods,
                         source_reference=model_ref, allow_pickle=allow_pickle)


def _progress_bar(label: str):  # type: ignore[no-untyped-def]
    from auditor.cli._run_progress import RunProgressBar

    return RunProgressBar(label)


def _print_summary(summary: object, store: Path) -> None:
    from auditor.cli._text import shown
    from auditor.runner import RunSummary

    assert isinstance(summary, RunSummary)
    template = summary.identity.chat_template if summary.identity else "-"
    used = summary.identity.backend if summary.identity else "-"
    console.print(f"model     {shown(summary.model)}", highlight=False)
    console.print(f"backend   {used}   chat template: {shown(template)}", highlight=False)
    console.print(
        f"suite     {shown(summary.suite)}: {summary.requested} generations, "
        f"{summary.generated} new, {summary.skipped} already stored, {summary.errors} errors",
        highlight=False,
    )
    if summary.generated:
        console.print(
            f"speed     {summary.completion_tokens} tokens in {summary.generate_seconds:.1f} s "
            f"= {summary.tokens_per_second:.1f} tokens/s (model load {summary.load_seconds:.1f} s)",
            highlight=False,
        )
    if summary.unsupported:
        console.print(f"          {summary.unsupported} under a condition this item or backend "
                      "cannot take: recorded as unsupported (see `auditor results`)",
                      highlight=False)
    console.print(f"store     {shown(str(store))}", highlight=False)
    if summary.errors:
        console.print(
            "[yellow]some generations failed; they are stored with their error and re-run "
            "retries them[/]"
        )
