"""The retry helper against a real local HTTP server answering 429/503 before 200."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from auditor.backoff import RetryPolicy, call_with_backoff, delay_from_headers


class _Script:
    """Answers queued (status, headers) pairs, then 200 forever."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str]]] = []
        self.calls = 0


@pytest.fixture
def server() -> Iterator[tuple[str, _Script]]:
    script = _Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            script.calls += 1
            status, headers = script.answers.pop(0) if script.answers else (200, {})
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", script
    httpd.shutdown()


def _get(url: str) -> str:
    response = httpx.get(url, timeout=5)
    response.raise_for_status()
    return response.text


def test_retries_429_and_503_honouring_server_delays(server: tuple[str, _Script]) -> None:
    url, script = server
    script.answers = [(429, {"RateLimit": '"api";r=0;t=7'}), (503, {"Retry-After": "3"})]
    slept: list[float] = []
    policy = RetryPolicy(max_attempts=5, base_delay=0.01, jitter=0.0)
    assert call_with_backoff(lambda: _get(url), policy=policy, sleep=slept.append) == "ok"
    assert script.calls == 3
    assert slept == [7.0, 3.0]


def test_gives_up_after_max_attempts_with_the_last_error(server: tuple[str, _Script]) -> None:
    url, script = server
    script.answers = [(503, {})] * 10
    slept: list[float] = []
    policy = RetryPolicy(max_attempts=3, base_delay=0.5, jitter=0.0)
    with pytest.raises(httpx.HTTPStatusError) as info:
        call_with_backoff(lambda: _get(url), policy=policy, sleep=slept.append)
    assert info.value.response.status_code == 503
    assert script.calls == 3
    assert slept == [0.5, 1.0]  # exponential when the server names no delay


def test_client_errors_are_not_retried(server: tuple[str, _Script]) -> None:
    url, script = server
    script.answers = [(404, {})]
    with pytest.raises(httpx.HTTPStatusError):
        call_with_backoff(lambda: _get(url), sleep=lambda _: None)
    assert script.calls == 1


def test_server_delay_is_capped_by_policy(server: tuple[str, _Script]) -> None:
    url, script = server
    script.answers = [(429, {"Retry-After": "3600"})]
    slept: list[float] = []
    policy = RetryPolicy(max_delay=2.0, jitter=0.0)
    call_with_backoff(lambda: _get(url), policy=policy, sleep=slept.append)
    assert slept == [2.0]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "12"}, 12.0),
        ({"RateLimit": '"api";r=0;t=42'}, 42.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # a date in the past
        ({}, None),
        ({"Retry-After": "soon"}, None),
    ],
)
def test_delay_from_headers(headers: dict[str, str], expected: float | None) -> None:
    assert delay_from_headers(headers) == expected
