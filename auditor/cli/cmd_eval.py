"""``auditor eval MODEL_REF --suite NAME|PATH``: generate a suite with one model into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.cli._app import app, console

_BACKENDS = ("auto", "transformers", "llamacpp", "openai")


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
    backend: Annotated[
        str, typer.Option("--backend", help="auto | transformers | llamacpp | openai.")
    ] = "auto",
    limit: Annotated[
        int | None, typer.Option("--limit", help="Evaluate at most N items.", min=1)
    ] = None,
    max_new_tokens: Annotated[
        int, typer.Option("--max-new-tokens", help="Tokens generated per response.", min=1)
    ] = 256,
    seed: Annotated[int, typer.Option("--seed", help="Seed (sample i uses seed + i).")] = 0,
    samples: Annotated[
        int, typer.Option("--samples", help="Samples per item (needs --temperature > 0).", min=1)
    ] = 1,
    temperature: Annotated[
        float, typer.Option("--temperature", help="0 = greedy decoding (default).", min=0.0)
    ] = 0.0,
    top_p: Annotated[float, typer.Option("--top-p", help="Nucleus sampling mass.")] = 1.0,
    trust_remote_code: Annotated[
        bool, typer.Option("--trust-remote-code", help="Run Python code shipped by the repo.")
    ] = False,
    allow_pickle: Annotated[
        bool, typer.Option("--allow-pickle", help="Load pickle (.bin/.pt) checkpoints.")
    ] = False,
    device: Annotated[str, typer.Option("--device", help="auto | cpu | cuda | cuda:N | mps.")] = (
        "auto"
    ),
    dtype: Annotated[
        str, typer.Option("--dtype", help="auto | float32 | bfloat16 | float16 (transformers).")
    ] = "auto",
    threads: Annotated[int | None, typer.Option("--threads", help="CPU threads.", min=1)] = None,
    n_gpu_layers: Annotated[
        int, typer.Option("--n-gpu-layers", help="Layers offloaded to the GPU (llama.cpp).")
    ] = 0,
    n_ctx: Annotated[int, typer.Option("--n-ctx", help="Context length (llama.cpp).")] = 4096,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", help="Prompts per batch (transformers).", min=1)
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Requests in flight (openai).", min=1)
    ] = 8,
    enable_thinking: Annotated[
        bool,
        typer.Option("--enable-thinking", help="Turn thinking on where the template supports it."),
    ] = False,
    chat_template: Annotated[
        str,
        typer.Option(
            "--chat-template",
            help="auto | none (completion mode) | embedded | builtin:gemma|chatml|llama3|mistral "
            "| a Jinja file | a model folder whose template to borrow (e.g. the parent's).",
        ),
    ] = "auto",
    request_timeout: Annotated[
        float,
        typer.Option("--request-timeout", min=1.0,
                     help="Seconds one request may take before it counts as failed (openai) or "
                     "the llama.cpp worker counts as hung and is killed."),
    ] = 600.0,
    in_process: Annotated[
        bool,
        typer.Option("--in-process",
                     help="Run llama.cpp in this process, not a worker (debugging only: a "
                     "native crash then ends the command)."),
    ] = False,
) -> None:
    """Generate responses of one model to a suite; results go to the store as they finish.

    Re-running skips what is stored; an interrupted run resumes where it stopped.
    """
    from auditor.backends import BackendOptions, GenerationConfig
    from auditor.errors import UsageError
    from auditor.refs import resolve_reference
    from auditor.runner import run_eval
    from auditor.store import Store
    from auditor.suites import load_suite

    if backend not in _BACKENDS:
        raise UsageError(f"--backend must be one of {', '.join(_BACKENDS)}, got {backend!r}")
    config = GenerationConfig(max_new_tokens=max_new_tokens, temperature=temperature,
                              top_p=top_p, seed=seed, samples=samples,
                              enable_thinking=enable_thinking)
    options = BackendOptions(device=device, dtype=dtype, trust_remote_code=trust_remote_code,
                             allow_pickle=allow_pickle, threads=threads,
                             n_gpu_layers=n_gpu_layers, n_ctx=n_ctx, batch_size=batch_size,
                             concurrency=concurrency, chat_template=chat_template,
                             request_timeout=request_timeout,
                             in_worker=False if in_process else None)
    loaded_suite = load_suite(suite, limit=limit)
    resolved = resolve_reference(model_ref, allow_pickle=allow_pickle, base=base)
    if base is not None and not resolved.is_adapter:
        raise UsageError(f"--base applies to PEFT adapters only; "
                         f"{resolved.identity.reference} is {resolved.identity.format}")
    with Store(store) as db, _progress_bar(resolved.key) as bar:
        summary = run_eval(resolved, loaded_suite.items, db, config, suite=loaded_suite.name,
                           backend=backend, options=options, progress=bar.update)
    _print_summary(summary, store)


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
    console.print(f"store     {shown(str(store))}", highlight=False)
    if summary.errors:
        console.print(
            "[yellow]some generations failed; they are stored with their error and re-run "
            "retries them[/]"
        )
