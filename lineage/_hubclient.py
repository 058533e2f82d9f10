"""Hub access for the crawler: the real ``huggingface_hub`` client behind our retry, cache and
concurrency limit.

Two requests only: ``list_models(filter="base_model:<id>", expand=[...])`` for the children of
a node (one listing carries everything a child needs), and ``model_info(id, expand=[...])``
for the root, its ancestors and co-parents. Every request goes through
:func:`auditor.hub.hub_call`: bounded timeouts (``CrawlOptions.timeout``) and one retry
loop, :func:`auditor.backoff.call_with_backoff` (408/429/5xx, ``Retry-After`` up to a cap,
``RateLimit: t=``), with ``huggingface_hub``'s own retries of listing pages kept out of the
way so the two never multiply. The token is handed to the client and nowhere else: not to
logs, messages, or the cache.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from auditor.errors import GatedRepoError, HubUnavailableError, RepoNotFoundError
from auditor.hub import hub_api, hub_call, resolve_endpoint, translate
from lineage._cache import ResponseCache
from lineage._hubmodel import EXPAND, HubModel
from lineage._options import CrawlOptions

log = logging.getLogger(__name__)
T = TypeVar("T")

_TRIP_AFTER = 3  # requests in a row failing after all retries: the Hub is down, stop asking
_EXPAND_KEY = hashlib.sha256(",".join(EXPAND).encode()).hexdigest()[:8]


class HubClient:
    """Fetches :class:`HubModel` records; counts requests; answers from the cache when it can."""

    def __init__(self, options: CrawlOptions) -> None:
        from huggingface_hub import get_token

        self.endpoint = resolve_endpoint(options.endpoint)
        self._api = hub_api(self.endpoint, options.token)
        authed = bool(options.token or get_token())
        self._key_prefix = f"{self.endpoint}|{'auth' if authed else 'anon'}|{_EXPAND_KEY}"
        self._options = options
        self._slots = threading.BoundedSemaphore(options.concurrency)
        self._lock = threading.Lock()
        self.calls = 0
        self._down: HubUnavailableError | None = None
        self._failures = 0  # requests in a row that found the Hub unavailable
        self.cache = (
            ResponseCache(options.cache_dir, options.cache_ttl) if options.cache_dir else None
        )

    @property
    def cache_hits(self) -> int:
        return self.cache.hits if self.cache else 0

    def close(self) -> None:
        if self.cache:
            self.cache.close()

    # --- public requests -----------------------------------------------------------------------
    def model(self, repo_id: str) -> HubModel:
        """One repo's metadata. Raises RepoNotFoundError, GatedRepoError or HubError."""
        key = f"{self._key_prefix}|info|{repo_id.lower()}"
        cached = self._cached(key)
        if cached is not None:
            return _raise_or_model(cached, repo_id)

        def fetch() -> HubModel:
            info = self._api.model_info(
                repo_id, expand=EXPAND, timeout=self._options.timeout  # type: ignore[arg-type]
            )
            return HubModel.from_model_info(info)

        try:
            model = self._request(fetch, f"model_info({repo_id})")
        except (RepoNotFoundError, GatedRepoError) as exc:
            kind = "gated" if isinstance(exc, GatedRepoError) else "missing"
            self._store(key, {"error": kind, "message": str(exc)})
            raise
        self._store(key, {"model": model.to_dict()})
        return model

    def children(self, repo_id: str) -> list[HubModel]:
        """Every repo whose tags name ``repo_id`` as a base model, with expanded fields."""
        key = f"{self._key_prefix}|children|{repo_id.lower()}"
        cached = self._cached(key)
        if cached is not None:
            return [HubModel.from_dict(m) for m in cached["models"]]

        def fetch() -> list[HubModel]:
            listing = self._api.list_models(
                filter=f"base_model:{repo_id}", expand=EXPAND  # type: ignore[arg-type]
            )
            return [HubModel.from_model_info(m) for m in listing]

        models = self._request(fetch, f"children of {repo_id}")
        self._store(key, {"models": [m.to_dict() for m in models]})
        return models

    # --- plumbing ----------------------------------------------------------------------------
    def _cached(self, key: str) -> Any | None:
        if self.cache is None or self._options.refresh:
            return None
        return self.cache.get(key)

    def _store(self, key: str, value: Any) -> None:
        if self.cache is not None:
            self.cache.put(key, value)

    def _request(self, fn: Callable[[], T], what: str) -> T:
        """``fn`` through :func:`hub_call`, with a circuit breaker for the whole crawl.

        Once the Hub is unavailable after all retries of one request in a way that is not
        about one repo (no answer in time, no connection, a rate limit over the cap), or
        after ``_TRIP_AFTER`` requests in a row failed so (5xx storms), the rest of this
        crawl's requests fail at once with that reason instead of each waiting out its own
        retries: a crawl of a dead Hub costs one request's worth of time, not one per node.
        A single repo that keeps answering 5xx only marks that repo.
        """
        down = self._down
        if down is not None:
            raise HubUnavailableError(f"{what}: not tried, the Hub was unavailable earlier "
                                      f"in this crawl ({down})", status=down.status)

        def attempt() -> T:
            with self._slots:
                with self._lock:
                    self.calls += 1
                return fn()

        try:
            result = hub_call(attempt, what=what, policy=self._options.retry,
                              timeout=self._options.timeout)
        except HubUnavailableError as exc:
            with self._lock:
                self._failures += 1
                if exc.status in (None, 429) or self._failures >= _TRIP_AFTER:
                    self._down = self._down or exc
            raise
        except Exception as exc:
            log.debug("%s failed", what, exc_info=True)
            raise translate(exc, what) from exc
        with self._lock:
            self._failures = 0
        return result


def _raise_or_model(cached: dict[str, Any], repo_id: str) -> HubModel:
    if "model" in cached:
        return HubModel.from_dict(cached["model"])
    if cached.get("error") == "gated":
        raise GatedRepoError(str(cached.get("message", f"{repo_id} is gated")), status=403)
    raise RepoNotFoundError(str(cached.get("message", f"{repo_id} not found")), status=404)

