"""A local stand-in for the Hugging Face Hub's model API, for tests and benchmarks.

It speaks the shape the real ``huggingface_hub`` client expects (see shared HUB_API.md):
``GET /api/models?filter=base_model:<id>&expand=...`` with ``Link`` pagination,
``GET /api/models/<id>`` (and ``/revision/<rev>``), 404 with ``X-Error-Code: RepoNotFound``,
gated repos (visible metadata, or 403 ``GatedRepo`` for ``access="denied"``), and injected
failures (429 with ``Retry-After`` / ``RateLimit``, 503, ...; file downloads too). Repos
given ``contents`` also serve those files (``HEAD``/``GET /<id>/resolve/<rev>/<file>``, as
``hf_hub_download`` meets them; a ``Range: bytes=A-B`` header gets 206 with ``Content-Range``,
or 416 past the end, unless ``honour_range`` is False), so a crawled family can be resolved
and evaluated too.
Reusable by any test that needs a Hub: start it, point ``HF_ENDPOINT`` (or ``endpoint=``) at
``server.url``.

    with HubServer() as hub:
        hub.add_model("org/base")
        hub.add_model("org/base-GGUF", base_model="org/base", files=["m.Q4_K_M.gguf"])
        graph = crawl_hub("org/base", CrawlOptions(endpoint=hub.url))
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

_DEFAULT_LIST_FIELDS = ("likes", "downloads", "tags", "pipeline_tag", "library_name", "createdAt")


@dataclass
class FakeRepo:
    """One model repo as the stand-in stores it."""

    id: str
    card: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    tags: list[str] | None = None  # None: generated from the card like the Hub does
    hub_relation: str | None = None  # the relation the Hub's own inference would tag
    gated: bool | str = False
    access: str = "public"  # "denied": model_info answers 403 GatedRepo
    downloads: int = 0
    likes: int = 0
    config: dict[str, Any] | None = None
    library_name: str | None = None
    last_modified: str = "2025-06-01T12:00:00.000Z"
    contents: dict[str, bytes] = field(default_factory=dict)  # files that can be downloaded

    @property
    def sha(self) -> str:
        return hashlib.sha1(self.id.encode()).hexdigest()


@dataclass
class Fault:
    match: str
    status: int
    times: int
    headers: dict[str, str]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float
    status: int = 200


class HubServer:
    """The stand-in server; a context manager that serves on 127.0.0.1 in a thread."""

    def __init__(self, page_size: int = 50, delay: float = 0.0) -> None:
        self.page_size = page_size
        self.delay = delay  # seconds each answer waits (to observe concurrency)
        self.in_flight = 0
        self.max_in_flight = 0
        self.honour_range = True  # False: answer a Range request with the whole file (200)
        self.repos: dict[str, FakeRepo] = {}
        self.requests: list[Request] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._children_index: dict[str, list[str]] | None = None
        self._httpd: ThreadingHTTPServer | None = None
        self.url = ""

    # --- set-up -------------------------------------------------------------------------------
    def add_model(
        self,
        repo_id: str,
        *,
        base_model: str | list[str] | None = None,
        relation: str | None = None,
        card: dict[str, Any] | None = None,
        **fields: Any,
    ) -> FakeRepo:
        """Add a repo; ``base_model``/``relation`` go to its card (``card`` adds more keys);
        the names of ``contents`` (name -> bytes, served for download) join its ``files``."""
        full_card = dict(card or {})
        if base_model is not None:
            full_card["base_model"] = base_model
        if relation is not None:
            full_card["base_model_relation"] = relation
        repo = FakeRepo(id=repo_id, card=full_card, **fields)
        repo.files += [name for name in sorted(repo.contents) if name not in repo.files]
        with self._lock:
            self.repos[repo_id.lower()] = repo
            self._children_index = None
        return repo

    def fail(self, match: str, status: int, times: int = 1, headers: dict[str, str] | None = None
             ) -> None:
        """Answer the next ``times`` requests whose path+query has ``match`` with ``status``."""
        with self._lock:
            self._faults.append(Fault(match, status, times, dict(headers or {})))

    def count(self, contains: str = "") -> int:
        """Requests received whose path+query contains ``contains``."""
        with self._lock:
            return sum(1 for r in self.requests if contains in r.path + "?" + _qs(r.query))

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- the Hub's view of a repo --------------------------------------------------------------
    def tags_of(self, repo: FakeRepo) -> list[str]:
        if repo.tags is not None:
            return list(repo.tags)
        tags = ["transformers"]
        if any(f.endswith(".gguf") for f in repo.files):
            tags.append("gguf")
        bases = repo.card.get("base_model")
        bases = [bases] if isinstance(bases, str) else list(bases or [])
        known = [self.repos[b.lower()].id for b in bases
                 if isinstance(b, str) and b.lower() in self.repos]
        relation = repo.hub_relation or _hub_relation(repo, len(known))
        for base in known:
            tags += [f"base_model:{base}", f"base_model:{relation}:{base}"]
        if repo.card.get("license"):
            tags.append(f"license:{repo.card['license']}")
        return tags

    def payload(self, repo: FakeRepo, expand: list[str] | None) -> dict[str, Any]:
        everything = {
            "_id": repo.sha[:24],
            "id": repo.id,
            "modelId": repo.id,
            "sha": repo.sha,
            "lastModified": repo.last_modified,
            "createdAt": "2025-01-01T00:00:00.000Z",
            "gated": repo.gated,
            "disabled": False,
            "downloads": repo.downloads,
            "likes": repo.likes,
            "library_name": repo.library_name or "transformers",
            "pipeline_tag": "text-generation",
            "tags": self.tags_of(repo),
            "cardData": repo.card,
            "siblings": [{"rfilename": f} for f in ["README.md", *repo.files]],
            "config": repo.config or {"model_type": "gemma3"},
            "widgetData": [{"text": "hi"}],
        }
        if any(f.endswith(".gguf") for f in repo.files):
            everything["gguf"] = {"total": 268098176, "architecture": "gemma3"}
        if expand is None:
            return everything
        return {k: v for k, v in everything.items() if k in ("_id", "id") or k in expand}

    def children(self, base: str) -> list[FakeRepo]:
        with self._lock:
            if self._children_index is None:
                index: dict[str, list[str]] = {}
                for key, repo in sorted(self.repos.items()):
                    for tag in self.tags_of(repo):
                        if tag.startswith("base_model:") and tag.count(":") == 1:
                            index.setdefault(tag.lower(), []).append(key)
                self._children_index = index
            keys = self._children_index.get(base.lower(), [])
            return [self.repos[k] for k in keys]

    # --- serving ------------------------------------------------------------------------------
    def start(self) -> HubServer:
        server = self

        class Handler(_Handler):
            hub = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _take_fault(self, target: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.match in target:
                    fault.times -= 1
                    return fault
        return None


class _Handler(BaseHTTPRequestHandler):
    hub: HubServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the log
        return

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.do_GET(body=False)

    def do_GET(self, body: bool = True) -> None:  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path == "/api/agent-harnesses":  # the client's own start-up lookup, not ours
            self._send(200, {"standardEnvVars": [], "harnesses": {}})
            return
        record = Request(self.command, parts.path, query, dict(self.headers.items()), time.time())
        with self.hub._lock:
            self.hub.requests.append(record)
            self.hub.in_flight += 1
            self.hub.max_in_flight = max(self.hub.max_in_flight, self.hub.in_flight)
        try:
            if self.hub.delay:
                time.sleep(self.hub.delay)
            if "/resolve/" in parts.path:
                self._file(parts.path.lstrip("/"), record, body)
            else:
                self._route(parts.path, parts.query, query, record)
        finally:
            with self.hub._lock:
                self.hub.in_flight -= 1

    def _route(self, path: str, raw_query: str, query: dict[str, list[str]], record: Request
               ) -> None:
        parts = urlsplit(path + "?" + raw_query)
        fault = self.hub._take_fault(parts.path + "?" + parts.query)
        if fault is not None:
            record.status = fault.status
            self._send(fault.status, {"error": "injected failure"}, fault.headers)
        elif parts.path == "/api/models":
            self._list(query)
        elif parts.path.startswith("/api/models/"):
            self._info(parts.path[len("/api/models/"):], query)
        else:
            record.status = 404
            self._send(404, {"error": "not found"})

    def _list(self, query: dict[str, list[str]]) -> None:
        expand = query.get("expand") or query.get("expand[]")
        matched: list[FakeRepo] = []
        for flt in query.get("filter", []):
            matched += self.hub.children(flt)
        if not query.get("filter"):
            matched = list(self.hub.repos.values())
        start = int(query.get("cursor", ["0"])[0])
        page = matched[start:start + self.hub.page_size]
        headers = {}
        if start + self.hub.page_size < len(matched):
            nxt = {k: v for k, v in query.items() if k != "cursor"}
            nxt["cursor"] = [str(start + self.hub.page_size)]
            host = self.headers.get("Host", "127.0.0.1")
            headers["Link"] = f'<http://{host}/api/models?{_qs(nxt)}>; rel="next"'
        if expand is None:
            items = [{k: v for k, v in self.hub.payload(r, None).items()
                      if k in ("_id", "id", "modelId", *_DEFAULT_LIST_FIELDS)} for r in page]
        else:
            items = [self.hub.payload(r, expand) for r in page]
        self._send(200, items, headers)

    def _info(self, rest: str, query: dict[str, list[str]]) -> None:
        repo_id = rest.split("/revision/")[0].strip("/")
        repo = self.hub.repos.get(repo_id.lower())
        if repo is None:
            self._error(404, "RepoNotFound", "Repository not found")
        elif repo.access == "denied":
            self._error(403, "GatedRepo", f"Access to model {repo.id} is restricted.")
        else:
            self._send(200, self.hub.payload(repo, query.get("expand") or query.get("expand[]")))

    def _file(self, rest: str, record: Request, body: bool) -> None:
        repo_id, _, tail = rest.partition("/resolve/")
        revision, _, name = tail.partition("/")
        repo = self.hub.repos.get(repo_id.lower())
        fault = self.hub._take_fault("/" + rest)
        if fault is not None:
            record.status = fault.status
            self._send_bytes(fault.status, b'{"error": "injected failure"}',
                             {"Content-Type": "application/json", **fault.headers}, body)
        elif repo is None:
            record.status = 404
            self._error(404, "RepoNotFound", "Repository not found", body)
        elif repo.access == "denied":
            record.status = 403
            self._error(403, "GatedRepo", f"Access to model {repo.id} is restricted.", body)
        elif revision not in ("main", repo.sha):
            record.status = 404
            self._error(404, "RevisionNotFound", "Invalid rev id", body)
        elif name not in repo.contents:
            record.status = 404
            self._error(404, "EntryNotFound", f"{name} does not exist", body)
        else:
            data = repo.contents[name]
            headers = {"X-Repo-Commit": repo.sha,
                       "ETag": f'"{hashlib.sha256(data).hexdigest()}"',
                       "Content-Type": "application/octet-stream"}
            wanted = _byte_range(self.headers.get("Range"), len(data))
            if wanted is None or not self.hub.honour_range:
                self._send_bytes(200, data, headers, body)
            elif wanted[0] >= len(data):
                record.status = 416
                self._send_bytes(416, b"", {"Content-Range": f"bytes */{len(data)}"}, body)
            else:
                first, last = wanted
                record.status = 206
                self._send_bytes(206, data[first:last + 1], {
                    **headers, "Content-Range": f"bytes {first}-{last}/{len(data)}"}, body)

    def _error(self, status: int, code: str, message: str, body: bool = True) -> None:
        headers = {"X-Error-Code": code, "X-Error-Message": message,
                   "Content-Type": "application/json"}
        self._send_bytes(status, json.dumps({"error": message}).encode(), headers, body)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._send_bytes(status, json.dumps(body).encode(),
                         {"Content-Type": "application/json", **(headers or {})}, True)

    def _send_bytes(self, status: int, data: bytes, headers: dict[str, str], body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(data)


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of a one-range ``bytes=A-B`` / ``bytes=A-`` header, or None."""
    match = re.fullmatch(r"bytes=(\d+)-(\d*)", (header or "").strip())
    if match is None:
        return None
    first = int(match[1])
    last = int(match[2]) if match[2] else size - 1
    return first, min(last, size - 1)


def _hub_relation(repo: FakeRepo, n_bases: int) -> str:
    names = [f.rsplit("/", 1)[-1] for f in repo.files]
    if any(n.endswith(".gguf") for n in names):
        return "quantized"
    if "adapter_config.json" in names:
        return "adapter"
    if "mergekit_config.yml" in names or n_bases >= 2:
        return "merge"
    return "finetune"


def _qs(query: dict[str, list[str]]) -> str:
    return urlencode([(k, v) for k, values in query.items() for v in values])
