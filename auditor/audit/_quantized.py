"""``--quantize``: each selected full-precision model also made and evaluated as TYPE.

For every selected target that is a full-precision checkpoint (safetensors, or pickle when
allowed; not an adapter, not a GGUF, not already quantized, not a remote server), and every
method asked, :func:`auditor.quantize.make_variants` makes the variant (a GGUF file, or for
bitsandbytes the reference ``<source>:bnb-nf4`` quantized as it loads); it joins the family as
a derivative node ``<id>:<TYPE>`` of its source (relation ``quantized``, evidence "made by the
auditor" with the method and tool versions) and as a target compared with its source. A
variant that cannot be made here is a *not audited* row with the reason.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from auditor.audit._events import AuditCallback, AuditEvent
from auditor.audit._selection import AuditTarget, NotAudited, Selection
from auditor.errors import AuditorError
from auditor.quantize import (
    FULL_PRECISION_FORMATS,
    VariantOutcome,
    make_variants,
    parse_methods,
)
from lineage import Evidence, LineageEdge, LineageGraph, LineageNode

log = logging.getLogger(__name__)


def add_quantized(
    graph: LineageGraph,
    selection: Selection,
    methods: tuple[str, ...],
    *,
    allow_pickle: bool,
    emit: AuditCallback,
) -> tuple[LineageGraph, Selection]:
    """The graph and selection with the made variants added (see the module docstring)."""
    wanted = parse_methods(methods)
    nodes, edges = list(graph.nodes), list(graph.edges)
    targets, not_audited = list(selection.targets), list(selection.not_audited)
    for target in selection.targets:
        source = _source_folder(target, graph, allow_pickle)
        if source is None:
            continue
        folder, key, fmt = source
        emit(AuditEvent("quantize", f"making {', '.join(m.name for m in wanted)} of "
                        f"{target.id}"))
        for outcome in make_variants(folder, key, fmt, wanted, allow_pickle=allow_pickle,
                                     source_reference=target.reference):
            made_id = f"{target.id}:{outcome.method}"
            if not outcome.reference:
                not_audited.append(NotAudited(made_id, outcome.reason))
                continue
            nodes.append(_made_node(graph.node(target.node_id), made_id, outcome))
            edges.append(LineageEdge(target.node_id, made_id, "quantized",
                                     (Evidence("auditor", outcome.evidence),)))
            targets.append(AuditTarget(made_id, made_id, outcome.reference, target.id,
                                       "quantized"))
    new_graph = replace(graph, nodes=tuple(nodes), edges=tuple(edges))
    return new_graph, replace(selection, targets=tuple(targets),
                              not_audited=tuple(not_audited))


def _source_folder(target: AuditTarget, graph: LineageGraph, allow_pickle: bool
                   ) -> tuple[Path, str, str] | None:
    """The local HF folder, store key and format of a full-precision target, else None."""
    node = graph.node(target.node_id)
    if (target.relation == "adapter" or node.gguf_files or node.quantization
            or target.reference.startswith("openai:")):
        return None
    from auditor.refs import resolve_reference

    try:
        resolved = resolve_reference(target.reference, allow_pickle=allow_pickle)
    except AuditorError as exc:  # the evaluation reports it for the source itself
        log.info("not quantizing %s: %s", target.id, exc)
        return None
    if resolved.identity.format not in FULL_PRECISION_FORMATS or resolved.hf_dir is None:
        return None
    return resolved.hf_dir, resolved.key, resolved.identity.format


def _made_node(source: LineageNode, made_id: str, outcome: VariantOutcome) -> LineageNode:
    """The variant's lineage node: a GGUF file the auditor made, or (bitsandbytes) the
    source's own weights quantized as they load."""
    if outcome.made is None:
        return LineageNode(id=made_id, role="descendant", depth=source.depth + 1,
                           formats=source.formats, quantization=outcome.method,
                           license=source.license, path=source.path)
    path = outcome.made.path
    return LineageNode(id=made_id, role="descendant", depth=source.depth + 1, formats=("gguf",),
                       quantization=outcome.method, license=source.license, path=str(path),
                       gguf_files=(path.name,))
