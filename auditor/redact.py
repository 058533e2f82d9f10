"""Scrub credentials from text before it is shown, logged, reported or stored.

Why: an ``openai:`` reference may carry a credential (``http://user:PASSWORD@host/v1``,
``?api_key=...``), and references travel far: into error messages, skip reasons, progress
lines, the store's identities and the report. :func:`auditor.refs.parse_reference` takes
the credential out of the reference once (it is sent as a header, never in the URL); this
module is the second line, applied where text leaves the process: the CLI's error line and
log handler, the report files, stored error messages. It replaces

- the password of a URL's userinfo (``user:***@``; a lone user name, often a token, is
  ``***@``),
- the value of a credential query parameter (``api_key=***``; see :data:`SECRET_QUERY_KEYS`),
- the values of the credential environment variables (:data:`SECRET_ENV`) wherever they
  occur, when at least 8 characters long (a shorter value would scrub ordinary words).
"""

from __future__ import annotations

import logging
import os
import re

MASK = "***"

#: Query parameters whose value is a credential (compared case-insensitively, ``-`` = ``_``).
SECRET_QUERY_KEYS = frozenset({
    "api_key", "apikey", "key", "token", "access_token", "auth_token", "id_token",
    "refresh_token", "auth", "password", "passwd", "secret", "client_secret", "sig",
    "signature",
})

#: Environment variables holding credentials; their values never appear in our output.
SECRET_ENV = ("OPENAI_API_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")

_MIN_ENV_SECRET = 8

_USERINFO = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^\s:/@?#\"'<>]*)"
    r"(?::(?P<password>[^\s/?#\"'<>]*))?@"
)
_QUERY = re.compile(
    r"(?P<name>(?<=[?&;])[A-Za-z_-]+)=(?P<value>[^&#\s\"'<>]*)"
)


def is_secret_query_key(name: str) -> bool:
    """True for a query parameter name whose value is a credential (``api-key``, ``token``)."""
    return name.strip().lower().replace("-", "_") in SECRET_QUERY_KEYS


def redact(text: str) -> str:
    """``text`` with URL passwords, credential query values and secret env values masked."""
    if not text:
        return text
    text = _USERINFO.sub(_mask_userinfo, text)
    text = _QUERY.sub(_mask_query, text)
    for value in _env_secrets():
        text = text.replace(value, MASK)
    return text


def _mask_userinfo(match: re.Match[str]) -> str:
    if match["password"] is None:
        return f"{match['scheme']}{MASK}@"
    return f"{match['scheme']}{match['user']}:{MASK}@"


def _mask_query(match: re.Match[str]) -> str:
    if not is_secret_query_key(match["name"]) or match["value"] == MASK:
        return match.group(0)
    return f"{match['name']}={MASK}"


def _env_secrets() -> list[str]:
    values = {os.environ.get(name, "").strip() for name in SECRET_ENV}
    return sorted((v for v in values if len(v) >= _MIN_ENV_SECRET), key=len, reverse=True)


class RedactingFilter(logging.Filter):
    """A logging filter that formats each record and scrubs it with :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            if redact(str(exc)) != str(exc):  # the traceback would show it: keep the line only
                record.msg = f"{clean} ({type(exc).__name__}: {redact(str(exc))})"
                record.args, record.exc_info, record.exc_text = None, None, None
        return True


__all__ = [
    "MASK",
    "SECRET_ENV",
    "SECRET_QUERY_KEYS",
    "RedactingFilter",
    "is_secret_query_key",
    "redact",
]
