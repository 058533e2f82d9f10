"""Parent-to-derivative lineage graphs from Hub metadata and local model folders.

    from lineage import CrawlOptions, crawl_hub, load_graph
    graph = crawl_hub("google/gemma-3-270m", CrawlOptions(depth=2))
    graph.save("family.json")
    for edge in load_graph("family.json").descendants():
        print(edge.parent, "->", edge.child, edge.relation)
"""

from lineage._cache import default_cache_dir
from lineage._crawl_hub import crawl_hub
from lineage._crawl_local import crawl_local
from lineage._graph import LineageGraph, load_graph
from lineage._options import CrawlOptions, CrawlProgress
from lineage._records import (
    EVIDENCE_SOURCES,
    RELATIONS,
    ROLES,
    SCHEMA_VERSION,
    STATUSES,
    WARNING_KINDS,
    Evidence,
    LineageEdge,
    LineageNode,
    LineageWarning,
)
from lineage._relation import gguf_quant_from_name
from lineage._render import render_tree, to_graphml, to_mermaid
from lineage._verify import VerifyProgress, verify_graph

__all__ = [
    "EVIDENCE_SOURCES",
    "RELATIONS",
    "ROLES",
    "SCHEMA_VERSION",
    "STATUSES",
    "WARNING_KINDS",
    "CrawlOptions",
    "CrawlProgress",
    "Evidence",
    "LineageEdge",
    "LineageGraph",
    "LineageNode",
    "LineageWarning",
    "VerifyProgress",
    "crawl_hub",
    "crawl_local",
    "default_cache_dir",
    "gguf_quant_from_name",
    "load_graph",
    "render_tree",
    "to_graphml",
    "to_mermaid",
    "verify_graph",
]
