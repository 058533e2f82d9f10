"""Benchmark: crawl a generated 10,000-model family served by the local Hub stand-in.

Prints API calls per node (targets: <= 1.1 for a fresh crawl, <= 0.01 for a cached re-crawl)
and wall time. Calls are counted by the server, so pagination and retries are included. The
crawl goes one level deeper than the family so that every model, leaves included, is listed
(the worst case: a leaf costs one empty listing).

    .venv/bin/python bench/lineage_crawl.py [--nodes 10000] [--page-size 100] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "lineage"))

from hub_server import HubServer  # noqa: E402

from lineage import CrawlOptions, crawl_hub  # noqa: E402

ROOT = "lab/base-7b-instruct"


def build_family(hub: HubServer, n_nodes: int, seed: int = 0) -> int:
    """A skewed family of ``n_nodes`` models below and including the root; returns its depth."""
    rng = random.Random(seed)
    hub.add_model("lab/base-7b", files=["model.safetensors"], downloads=10**6)
    hub.add_model(ROOT, base_model="lab/base-7b", files=["model.safetensors"], downloads=10**6)
    levels = [[ROOT]]
    sizes = [60, 1200]
    made = 1
    depth = 0
    while made < n_nodes:
        depth += 1
        size = sizes[depth - 1] if depth - 1 < len(sizes) else n_nodes - made
        size = min(size, n_nodes - made)
        parents = levels[-1]
        weights = [1.0 / (i + 1) ** 0.8 for i in range(len(parents))]  # a few popular parents
        level = []
        for i in range(size):
            parent = rng.choices(parents, weights)[0]
            child = f"user{rng.randrange(5000)}/d{depth}-m{i}"
            kind = rng.random()
            if kind < 0.40:
                hub.add_model(child, base_model=parent, files=[f"m-{i}.Q4_K_M.gguf"],
                              downloads=rng.randrange(10**5))
            elif kind < 0.55:
                hub.add_model(child, base_model=parent, files=["adapter_config.json"],
                              downloads=rng.randrange(10**3))
            elif kind < 0.60 and len(parents) > 1:
                other = rng.choice(parents)
                if other == parent:
                    other = f"ext/outside-{rng.randrange(50)}"
                    if other.lower() not in hub.repos:
                        hub.add_model(other, files=["model.safetensors"])
                hub.add_model(child, base_model=[parent, other], files=["mergekit_config.yml"])
            else:
                hub.add_model(child, base_model=parent, files=["model.safetensors"],
                              downloads=rng.randrange(10**4))
            level.append(child)
        levels.append(level)
        made += size
    return depth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with HubServer(page_size=args.page_size) as hub, tempfile.TemporaryDirectory() as cache:
        depth = build_family(hub, args.nodes)
        options = CrawlOptions(endpoint=hub.url, depth=depth + 1, max_nodes=args.nodes + 200,
                               cache_dir=Path(cache), concurrency=args.concurrency)
        for label in ("fresh", "cached"):
            hub.reset_counts()
            start = time.perf_counter()
            graph = crawl_hub(ROOT, options)
            wall = time.perf_counter() - start
            calls = hub.count()
            pages = hub.count("cursor=")
            n = len(graph.nodes)
            print(f"{label:>6} crawl: {n} nodes, {len(graph.edges)} edges, {calls} API calls "
                  f"({pages} extra pages) = {calls / n:.4f} calls/node, wall {wall:.1f} s")
        target = "fresh <= 1.1, cached <= 0.01"
        print(f"family depth {depth}, page size {args.page_size}, concurrency "
              f"{args.concurrency}; targets: {target} calls/node")


if __name__ == "__main__":
    main()
