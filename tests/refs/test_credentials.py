"""Credentials in ``openai:`` references are parsed out once: the URL, the reference text, the
identity and the key never hold them; the backend gets them as ``ResolvedModel.credentials``."""

from __future__ import annotations

import base64

import pytest

from auditor.errors import ModelReferenceError
from auditor.refs import parse_reference, resolve_reference


def test_user_and_password() -> None:
    parsed = parse_reference("openai:http://alice:PA%40SS@host:8000/v1/#org/m")
    assert parsed.text == "openai:http://alice:***@host:8000/v1#org/m"
    assert parsed.base_url == "http://host:8000/v1" and parsed.model == "org/m"
    assert parsed.credentials is not None
    header = parsed.credentials.auth_headers()["Authorization"]
    assert base64.b64decode(header.removeprefix("Basic ")) == b"alice:PA@SS"  # percent-decoded
    assert "PA" not in repr(parsed) and "PA" not in repr(parsed.credentials)


@pytest.mark.parametrize("name", ["api_key", "key", "token", "access_token", "api-key", "API_KEY"])
def test_token_query_parameters(name: str) -> None:
    parsed = parse_reference(f"openai:https://host/v1?{name}=SECRET&api-version=2024#m")
    assert parsed.text == f"openai:https://host/v1?{name}=***&api-version=2024#m"
    assert parsed.base_url == "https://host/v1?api-version=2024"
    assert parsed.credentials is not None
    assert parsed.credentials.auth_headers() == {"Authorization": "Bearer SECRET"}


def test_a_reference_without_credentials_is_unchanged() -> None:
    parsed = parse_reference("openai:http://127.0.0.1:8000/v1/#m")
    assert parsed.text == "openai:http://127.0.0.1:8000/v1/#m" and parsed.credentials is None


def test_references_differing_only_in_their_secret_share_one_key() -> None:
    refs = [
        "openai:http://alice:one@host/v1#m",
        "openai:http://alice:two@host/v1#m",
        "openai:http://host/v1?api_key=three#m",
        "openai:http://host/v1#m",
    ]
    resolved = [resolve_reference(r) for r in refs]
    assert {r.key for r in resolved} == {"openai:http://host/v1#m"}
    for r in resolved:
        stored = r.identity.to_json()
        assert not any(s in stored for s in ("one", "two", "three"))
    assert resolved[0].credentials is not None and resolved[3].credentials is None


@pytest.mark.parametrize(
    "bad",
    [
        "openai:http://alice:SECRET@host/v1",  # no #model
        "openai:ftp://alice:SECRET@host/v1#m",
        "openai:http://alice:x@host/v1?token=SECRET#m",  # two credentials
        "openai:http://host/v1?token=SECRET&key=OTHER#m",
    ],
)
def test_errors_never_show_the_secret(bad: str) -> None:
    with pytest.raises(ModelReferenceError) as info:
        parse_reference(bad)
    assert "SECRET" not in str(info.value)
