"""The openai backend sends a reference's credential as a header, never in the URL."""

from __future__ import annotations

import base64

import pytest

from auditor.backends import BackendOptions, GenerationConfig, GenerationRequest
from auditor.backends._openai import OpenAIBackend
from auditor.backoff import RetryPolicy
from auditor.refs import resolve_reference
from auditor.suites import Message
from tests.fixtures.openai_server import OpenAIServer

FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02)


def _ask(ref: str) -> tuple[str, str]:
    backend = OpenAIBackend(resolve_reference(ref), BackendOptions(), policy=FAST)
    out = backend.generate([GenerationRequest((Message("user", "hi"),), 0)],
                           GenerationConfig(max_new_tokens=4))[0]
    backend.close()
    return out.response, out.error


def test_user_and_password_go_as_basic_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-not-this-one")
    with OpenAIServer() as server:
        host = server.base_url.removeprefix("http://")
        response, error = _ask(f"openai:http://alice:S3CRET@{host}#m")
    assert (response, error) == ("echo: hi", "")
    sent = server.requests[0]
    assert sent["auth"] == "Basic " + base64.b64encode(b"alice:S3CRET").decode()
    assert sent["path"] == "/v1/chat/completions"


def test_a_token_query_parameter_goes_as_a_bearer_header() -> None:
    with OpenAIServer() as server:
        response, _ = _ask(f"openai:{server.base_url}?api_key=S3CRET#m")
    assert response == "echo: hi"
    assert server.requests[0]["auth"] == "Bearer S3CRET"
    assert server.requests[0]["path"] == "/v1/chat/completions"  # not in the URL


def test_other_query_parameters_stay_in_the_url() -> None:
    with OpenAIServer() as server:
        _, error = _ask(f"openai:{server.base_url}?api-version=2&token=S3CRET#m")
    assert server.requests[0]["path"] == "/v1/chat/completions?api-version=2"
    assert server.requests[0]["auth"] == "Bearer S3CRET"
    assert "404" in error and "S3CRET" not in error  # the test server knows no query


def test_failures_recorded_in_the_store_carry_no_secret() -> None:
    with OpenAIServer(fail_next=10) as server:
        _, error = _ask(f"openai:{server.base_url}?token=S3CRET#m")
    assert "503" in error and "S3CRET" not in error
