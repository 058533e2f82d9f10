"""Crawl options: one frozen record passed to :func:`lineage.crawl_hub` and ``crawl_local``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from auditor.backoff import RetryPolicy
from auditor.errors import UsageError
from lineage._cache import DEFAULT_TTL
from lineage._records import RELATIONS


@dataclass(frozen=True, slots=True)
class CrawlProgress:
    """Reported to the progress callback as the crawl advances."""

    nodes: int
    api_calls: int
    cache_hits: int
    frontier: int


ProgressCallback = Callable[[CrawlProgress], None]


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """How far and how to crawl.

    ``depth``: generations below the root to follow (0: the root only). ``max_nodes``: stop
    adding nodes past this many (a ``truncated`` warning says so). ``relations``: keep only
    edges of these relations (empty: all). ``min_downloads``: skip Hub descendants with fewer
    downloads. ``ancestors``: follow the root's ``base_model`` upward, at most
    ``max_ancestor_depth`` generations. ``endpoint``: the Hub URL (default: ``HF_ENDPOINT`` at
    call time, else https://huggingface.co). ``token``: a Hub token (default: ``HF_TOKEN`` or
    the saved login, as huggingface_hub decides); never printed, logged or written.
    ``cache_dir``: the response cache folder (None: no cache); ``refresh`` ignores cached
    answers (and replaces them). ``concurrency``: requests in flight at once.
    """

    depth: int = 3
    max_nodes: int = 5000
    relations: frozenset[str] = frozenset()
    min_downloads: int = 0
    ancestors: bool = True
    max_ancestor_depth: int = 10
    endpoint: str | None = None
    token: str | None = field(default=None, repr=False)
    cache_dir: Path | None = None
    cache_ttl: float = DEFAULT_TTL
    refresh: bool = False
    concurrency: int = 8
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.depth < 0:
            raise UsageError(f"depth must be 0 or more, not {self.depth}")
        if self.max_nodes < 1:
            raise UsageError(f"max nodes must be at least 1, not {self.max_nodes}")
        if self.min_downloads < 0:
            raise UsageError(f"minimum downloads must be 0 or more, not {self.min_downloads}")
        if not 1 <= self.concurrency <= 64:
            raise UsageError(f"concurrency must be between 1 and 64, not {self.concurrency}")
        unknown = set(self.relations) - set(RELATIONS)
        if unknown:
            raise UsageError(
                f"unknown relation(s) {', '.join(sorted(unknown))}; "
                f"choose from {', '.join(RELATIONS)}"
            )
        object.__setattr__(self, "relations", frozenset(self.relations))

    def summary(self) -> dict[str, object]:
        """What is recorded in the graph's ``options`` (never the token)."""
        return {
            "depth": self.depth,
            "max_nodes": self.max_nodes,
            "relations": sorted(self.relations),
            "min_downloads": self.min_downloads,
            "ancestors": self.ancestors,
        }
