"""``auditor lineage ROOT_ID``: crawl a model family (Hub or local folders) and show or save it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli._app import app, console, err_console

if TYPE_CHECKING:
    from lineage import CrawlOptions, LineageGraph

_FORMATS = ("tree", "json", "graphml", "mermaid")


@app.command("lineage")
def lineage_command(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ROOT_ID",
            help="Hub id of the root model (org/name or its URL). With --local: the root's id "
            "or folder (optional: default is the topmost ancestor of the first folder); more "
            "folders may follow.",
            show_default=False,
        ),
    ] = None,
    depth: Annotated[
        int, typer.Option("--depth", min=0, help="Generations of derivatives to follow.")
    ] = 3,
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", min=1, help="Stop adding models past this many.")
    ] = 5000,
    no_ancestors: Annotated[
        bool, typer.Option("--no-ancestors", help="Do not follow the root's base_model upward.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write the graph to FILE (JSON unless "
                     "--format says otherwise)."),
    ] = None,
    local: Annotated[
        list[Path] | None,
        typer.Option("--local", metavar="DIR", help="Read lineage from local model folders or "
                     ".gguf files instead of the Hub (repeatable; extra folders may also follow "
                     "as arguments)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="tree (terminal) | json | graphml | mermaid.")
    ] = "tree",
    relation: Annotated[
        list[str] | None,
        typer.Option("--relation", help="Keep only derivatives of this relation (repeatable): "
                     "finetune | quantized | adapter | merge | distillation."),
    ] = None,
    min_downloads: Annotated[
        int, typer.Option("--min-downloads", min=0, help="Skip Hub derivatives with fewer "
                          "downloads.")
    ] = 0,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Ignore cached Hub answers (and renew them).")
    ] = False,
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", help="Hub response cache folder (default: "
                     "$AUDITOR_CACHE/lineage, else ~/.cache/auditor/lineage).",
                     show_default=False),
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Check every edge by the models' weights (as "
                           "`auditor verify`): each edge gets a verification; contradicted "
                           "edges are marked; identical weights are labelled reupload.")
    ] = False,
) -> None:
    """Crawl a model family: fine-tunes, quantizations, adapters and merges, with evidence.

    Uses the Hub at HF_ENDPOINT (default https://huggingface.co) and HF_TOKEN when set.
    Exit status 2 when the Hub root itself cannot be read (not found, no access, the Hub
    failing); what was found is still shown (and written with --out).
    """
    from auditor.errors import UsageError
    from lineage import CrawlOptions, default_cache_dir

    if fmt not in _FORMATS:
        raise UsageError(f"--format must be one of {', '.join(_FORMATS)}, not {fmt!r}")
    options = CrawlOptions(
        depth=depth,
        max_nodes=max_nodes,
        ancestors=not no_ancestors,
        relations=frozenset(relation or ()),
        min_downloads=min_downloads,
        refresh=refresh,
        cache_dir=cache_dir if cache_dir is not None else default_cache_dir(),
    )
    args = list(targets or [])
    if out is not None:
        from auditor.outputs import check_outputs

        given = [*(local or []), *(Path(a).expanduser() for a in args if local)]
        check_outputs([out], [("a model being crawled", p) for p in given])
    if local:
        graph = _crawl_local(args, local, options)
    else:
        if len(args) != 1:
            raise UsageError("give exactly one ROOT_ID (org/name), or folders with --local DIR")
        graph = _crawl_hub(args[0], options)
    if verify:
        graph = _verify(graph, use_cache=not refresh)
    _emit(graph, fmt, out)
    if not local:  # locally, a root outside the folders is "missing" by design
        _check_root(graph)


def _crawl_hub(root_id: str, options: CrawlOptions) -> LineageGraph:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from auditor.errors import RepoNotFoundError
    from lineage import CrawlProgress, crawl_hub

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task(f"crawling {root_id}", total=None)

        def report(p: CrawlProgress) -> None:
            bar.update(task, description=f"crawling {root_id}: {p.nodes} models, "
                       f"{p.api_calls} API calls, {p.cache_hits} cached")

        graph = crawl_hub(root_id, options, progress=report)
    root = graph.root_node
    if root.status == "missing" and len(graph.nodes) == 1:
        raise RepoNotFoundError(
            f"model {root_id!r} was not found at {graph.options.get('endpoint')} "
            "(check the id; private or gated repos need HF_TOKEN)"
        )
    return graph


def _verify(graph: LineageGraph, *, use_cache: bool) -> LineageGraph:
    """``verify_graph`` with a progress bar on stderr (one step per edge)."""
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from auditor.names import printable
    from lineage import LineageEdge, verify_graph

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err_console, transient=True) as bar:
        task = bar.add_task("verifying edges", total=len(graph.edges))

        def report(done: int, total: int, edge: LineageEdge | None) -> None:
            what = printable(f"{edge.parent} -> {edge.child}") if edge else "done"
            bar.update(task, completed=done, total=total,
                       description=f"verifying {escape(what)}")

        return verify_graph(graph, use_cache=use_cache, progress=report)


def _check_root(graph: LineageGraph) -> None:
    """Raise when the root could not be read: a family without its root is no answer."""
    from auditor.errors import HubError

    root = graph.root_node
    unread = root.status in ("missing", "error") or (root.status == "gated" and not root.sha)
    if unread:
        why = next((w.message for w in graph.warnings if root.id in w.nodes), root.status)
        raise HubError(f"the root {root.id} could not be read: {why}")


def _crawl_local(args: list[str], local: list[Path], options: CrawlOptions) -> LineageGraph:
    from auditor.errors import UsageError
    from lineage import crawl_local

    dirs: list[Path] = list(local)
    roots = []
    for arg in args:
        if Path(arg).expanduser().exists():
            dirs.append(Path(arg))
        else:
            roots.append(arg)
    if len(roots) > 1:
        raise UsageError(
            f"these arguments are neither folders nor one root id: {', '.join(roots)}"
        )
    return crawl_local(dirs, roots[0] if roots else None, options)


def _emit(graph: LineageGraph, fmt: str, out: Path | None) -> None:
    import sys

    from auditor.errors import InputError
    from auditor.outputs import atomic_write_text
    from lineage import render_tree, to_graphml, to_mermaid

    if fmt == "tree":
        console.print(render_tree(graph))
    if out is None and fmt != "tree":
        text = {"json": graph.to_json, "graphml": lambda: to_graphml(graph),
                "mermaid": lambda: to_mermaid(graph)}[fmt]()
        sys.stdout.write(text)
    if out is not None:
        try:
            if fmt in ("tree", "json"):
                graph.save(out)
            else:
                atomic_write_text(out, to_graphml(graph) if fmt == "graphml"
                                  else to_mermaid(graph))
        except OSError as exc:
            raise InputError(f"cannot write {out}: {exc.strerror or exc}") from exc
        from auditor.names import printable

        kind = "JSON" if fmt in ("tree", "json") else fmt
        err_console.print(
            printable(f"wrote {kind} lineage of {graph.root} ({len(graph.nodes)} models, "
                      f"{len(graph.edges)} edges, {len(graph.warnings)} warnings) to {out}"),
            highlight=False, markup=False,
        )
