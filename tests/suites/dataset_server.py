"""A local stand-in for the Hub's dataset endpoints, enough for ``huggingface_hub`` to fetch a
file: ``GET /api/datasets/<repo>[/revision/<rev>]`` and ``HEAD``/``GET
/datasets/<repo>/resolve/<rev>/<file>``; a repo added with ``gated=True`` answers 403
``GatedRepo`` (a gated dataset this token may not read). Point ``HF_ENDPOINT`` at ``server.url``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


class DatasetServer:
    """Serves dataset repos held in memory: ``add(repo, {path: bytes})``."""

    def __init__(self) -> None:
        self.repos: dict[str, dict[str, bytes]] = {}
        self.gated: set[str] = set()
        self.requests: list[str] = []
        self._httpd: ThreadingHTTPServer | None = None

    def add(self, repo: str, files: dict[str, bytes], *, gated: bool = False) -> str:
        self.repos[repo] = files
        if gated:
            self.gated.add(repo)
        return self.sha(repo)

    @staticmethod
    def sha(repo: str) -> str:
        return hashlib.sha1(repo.encode()).hexdigest()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> DatasetServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self, body=True)

            def do_HEAD(self) -> None:
                server._handle(self, body=False)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handle(self, h: BaseHTTPRequestHandler, *, body: bool) -> None:
        path = unquote(urlsplit(h.path).path)
        self.requests.append(f"{h.command} {path}")
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "datasets"] and len(parts) >= 4:
            repo = "/".join(parts[2:4])
            if repo in self.gated:
                return _send(h, 403, b'{"error": "Access to dataset is restricted"}', body,
                             {"X-Error-Code": "GatedRepo"})
            if repo in self.repos:
                info = {
                    "id": repo,
                    "sha": self.sha(repo),
                    "siblings": [{"rfilename": f} for f in self.repos[repo]],
                    "private": False,
                }
                return _send(h, 200, json.dumps(info).encode(), body, {})
            return _send(h, 404, b'{"error": "Repository not found"}', body,
                         {"X-Error-Code": "RepoNotFound"})
        if parts[:1] == ["datasets"] and len(parts) >= 6 and parts[3] == "resolve":
            repo, file = "/".join(parts[1:3]), "/".join(parts[5:])
            data = self.repos.get(repo, {}).get(file)
            if data is None:
                return _send(h, 404, b"not found", body, {"X-Error-Code": "EntryNotFound"})
            headers = {
                "X-Repo-Commit": self.sha(repo),
                "ETag": f'"{hashlib.sha256(data).hexdigest()}"',
            }
            return _send(h, 200, data, body, headers)
        return _send(h, 404, b"not found", body, {})


def _send(h: BaseHTTPRequestHandler, status: int, data: bytes, body: bool,
          headers: dict[str, str]) -> None:
    h.send_response(status)
    for key, value in headers.items():
        h.send_header(key, value)
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    if body:
        h.wfile.write(data)
