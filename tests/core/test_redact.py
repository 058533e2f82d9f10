"""``auditor.redact``: credentials in URLs and the credential env variables are masked."""

from __future__ import annotations

import logging

import pytest

from auditor.redact import RedactingFilter, redact


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("openai:http://user:PASSWORD@host:8000/v1#m", "openai:http://user:***@host:8000/v1#m"),
        ("https://u:p@ss@host/v1", "https://u:***@host/v1"),
        ("openai:http://sk-TOKEN@host/v1#m", "openai:http://***@host/v1#m"),
        ("http://h/v1?api_key=SECRET#m", "http://h/v1?api_key=***#m"),
        ("http://h/v1?api-version=2&api-key=SECRET", "http://h/v1?api-version=2&api-key=***"),
        ("http://h/v1?Token=S1&key=S2&access_token=S3&monkey=ok",
         "http://h/v1?Token=***&key=***&access_token=***&monkey=ok"),
        ("<a href='http://h/?x=1&amp;token=S'>", "<a href='http://h/?x=1&amp;token=***'>"),
        ("no url here: user:pass and key=value", "no url here: user:pass and key=value"),
    ],
)
def test_urls(text: str, shown: str) -> None:
    assert redact(text) == shown
    assert redact(shown) == shown  # idempotent


def test_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-0123456789")
    monkeypatch.setenv("HF_TOKEN", "hf_abcdefghijkl")
    monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", "short")  # too short to scrub safely
    text = "key sk-env-0123456789, token hf_abcdefghijkl, word short"
    assert redact(text) == "key ***, token ***, word short"


def test_log_records_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.redact")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="tests.redact"):
        logger.info("loading %s", "openai:http://u:PASSWORD@h/v1#m")
        try:
            raise ValueError("bad url http://h/v1?token=PASSWORD")
        except ValueError:
            logger.exception("failed")
    assert "PASSWORD" not in caplog.text
    assert "u:***@h" in caplog.text and "token=***" in caplog.text
