"""The openai backend against a local OpenAI-compatible server."""

from __future__ import annotations

import pytest

from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest, load_backend
from auditor.backends._openai import OpenAIBackend
from auditor.backoff import RetryPolicy
from auditor.refs import resolve_reference
from auditor.suites import Message
from tests.fixtures.openai_server import OpenAIServer

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


def req(text: str, seed: int = 0) -> GenerationRequest:
    return GenerationRequest((Message("system", "S"), Message("user", text)), seed)


def test_chat_completion_and_request_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with OpenAIServer() as server:
        backend = load_backend(resolve_reference(f"openai:{server.base_url}#m1"))
        out = backend.generate([req("hello", 5)], GenerationConfig(max_new_tokens=9))[0]
        backend.close()
    assert out.response == "echo: hello" and out.finish_reason == "stop"
    assert out.n_completion_tokens == 3 and out.error == ""
    sent = server.requests[0]
    assert sent["auth"] == "Bearer sk-test"
    assert sent["body"]["model"] == "m1" and sent["body"]["max_tokens"] == 9
    assert sent["body"]["temperature"] == 0 and sent["body"]["seed"] == 5
    assert sent["body"]["messages"][0] == {"role": "system", "content": "S"}
    assert backend.identity.key == f"openai:{server.base_url}#m1"


def test_injected_503_is_retried() -> None:
    with OpenAIServer(fail_next=2) as server:
        backend = OpenAIBackend(resolve_reference(f"openai:{server.base_url}#m"),
                                BackendOptions(), policy=FAST)
        out = backend.generate([req("x")], GenerationConfig())[0]
    assert out.error == "" and out.response == "echo: x"
    assert len(server.requests) == 3


def test_persistent_failure_becomes_an_error_result() -> None:
    with OpenAIServer(fail_next=10) as server:
        backend = OpenAIBackend(resolve_reference(f"openai:{server.base_url}#m"),
                                BackendOptions(), policy=FAST)
        out = backend.generate([req("x")], GenerationConfig())[0]
    assert "503" in out.error and out.response == ""


def test_reasoning_content_and_think_blocks_are_captured() -> None:
    with OpenAIServer(reasoning="server-side thoughts") as server:
        backend = load_backend(resolve_reference(f"openai:{server.base_url}#m"))
        out = backend.generate([req("<think>inline</think>visible")],
                               GenerationConfig(enable_thinking=True))[0]
    assert out.reasoning == "server-side thoughts"
    assert out.response == "echo: <think>inline</think>visible"  # not at the start: kept
    assert server.requests[0]["body"]["chat_template_kwargs"] == {"enable_thinking": True}


def test_requests_run_concurrently_and_keep_order() -> None:
    with OpenAIServer(delay=0.2) as server:
        backend = load_backend(resolve_reference(f"openai:{server.base_url}#m"), "openai",
                               BackendOptions(concurrency=4))
        texts = [f"q{i}" for i in range(8)]
        outs = backend.generate([req(t) for t in texts], GenerationConfig())
    assert [o.response for o in outs] == [f"echo: {t}" for t in texts]
    assert server.peak_in_flight >= 3
