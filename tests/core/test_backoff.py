"""The retry helper against a real local HTTP server answering 429/503 before 200."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from auditor.backoff import RetryPolicy, call_with_backoff, delay_from_headers
from auditor.errors import HubUnavailableError, RetryLimitError


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


def test_server_asking_for_more_than_max_wait_is_not_waited_for(
    server: tuple[str, _Script],
) -> None:
    url, script = server
    script.answers = [(429, {"Retry-After": "100000"})] * 3
    slept: list[float] = []
    policy = RetryPolicy(max_wait=60.0, jitter=0.0)
    with pytest.raises(RetryLimitError, match=r"HTTP 429 .*100000 s \(27\.8 h\).*60 s cap"):
        call_with_backoff(lambda: _get(url), policy=policy, sleep=slept.append, what="GET x")
    assert script.calls == 1 and slept == []


def test_deadline_bounds_the_whole_call(server: tuple[str, _Script]) -> None:
    url, script = server
    script.answers = [(503, {})] * 20
    slept: list[float] = []
    policy = RetryPolicy(max_attempts=20, base_delay=1.0, max_delay=100.0, jitter=0.0,
                         deadline=5.0)
    with pytest.raises(RetryLimitError, match=r"gave up after 3 attempts .*5 s deadline") as e:
        call_with_backoff(lambda: _get(url), policy=policy, sleep=slept.append)
    assert slept == [1.0, 2.0]  # the third wait (4 s) would pass 5 s: refused, not slept
    assert e.value.attempts == 3


def test_our_own_errors_carry_status_headers_and_retryability() -> None:
    calls: list[int] = []
    slept: list[float] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise HubUnavailableError("no answer within 1 s")  # no status: a timeout
        if len(calls) == 2:
            raise HubUnavailableError("HTTP 429", status=429, headers={"Retry-After": "2"})
        return "ok"

    policy = RetryPolicy(base_delay=0.25, jitter=0.0)
    assert call_with_backoff(flaky, policy=policy, sleep=slept.append) == "ok"
    assert slept == [0.25, 2.0]
