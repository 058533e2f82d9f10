"""A hand-edited report.json is hostile input: every string field carries markup, and the page
still has no active content.

The other HTML tests put a payload where the builder puts untrusted text; here the attacker
writes the JSON, so *every* string (dates, hashes, tool versions, methods text, package names)
is hostile, and the file goes through the same path as ``auditor report --from-json``.
"""

from __future__ import annotations

import html as htmllib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import ReportError
from reports import load_report, render_html, to_json, write_report
from reports._html import CSP
from tests.reports._payloads import PAYLOADS
from tests.reports._sample import sample_report

# Beyond _payloads: markup that changes parsing mode (SVG, MathML, raw-text elements), URL
# schemes, and the elements that would load or redirect something.
EXTRA = (
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=20>",
    '<svg><a xlink:href="javascript:window.__xss=21"><text y="9">x</text></a></svg>',
    '<math href="javascript:window.__xss=22">x</math>',
    "</style><script>window.__xss=23</script><style>",
    "<style>@import url(http://example.invalid/x.css)</style>",
    '<base href="http://example.invalid/">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=24">',
    '<form action="javascript:window.__xss=25"><button>go</button></form>',
    '<object data="javascript:window.__xss=26"></object><embed src="x.swf">',
    '<link rel="stylesheet" href="http://example.invalid/x.css">',
    "<!-- <script>window.__xss=27</script> -->",
    "java\tscript:window.__xss=28",
    '<svg><animate onbegin="window.__xss=29" attributeName="x" dur="1s"/></svg>',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=30>">',
    "\x00<script>window.__xss=31</script>\x1b[2J",
)
HOSTILE = PAYLOADS + EXTRA
# Attributes whose value is (or may hold) a URL.
URL_ATTRIBUTES = set(
    "href src xlink:href action formaction data poster background cite srcset"
    " marker-end marker-start fill stroke clip-path mask".split()
)
# Fields whose values are an enumeration: a payload there is refused, not rendered.
ENUMS = {"verdict", "state", "dimension"}


def _map_strings(data: Any, fn: Callable[[str, str], str], key: str = "") -> Any:
    if isinstance(data, dict):
        return {k: _map_strings(v, fn, k) for k, v in data.items()}
    if isinstance(data, list):
        return [_map_strings(v, fn, key) for v in data]
    if isinstance(data, str) and key not in ENUMS:
        return fn(key, data)
    return data


def _edited(tmp_path: Path, fn: Callable[[str, str], str], name: str) -> Path:
    """The sample report's JSON with ``fn`` applied to every string, written as a file."""
    data = _map_strings(json.loads(to_json(sample_report())), fn)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _suffixer(texts: tuple[str, ...]) -> Callable[[str, str], str]:
    """Each distinct string gets the same suffix everywhere, so ids still link up."""
    seen: dict[str, str] = {}

    def fn(key: str, value: str) -> str:
        if value not in seen:
            seen[value] = value + texts[len(seen) % len(texts)]
        return seen[value]

    return fn


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple[str, tuple[str, ...]]] = []  # (tag, attribute names)
        self.attrs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append((tag, tuple(n for n, _ in attrs)))
        self.attrs.extend((tag, n, v or "") for n, v in attrs)

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def _assert_inert(page: _Page) -> None:
    tags = [t for t, _ in page.shape]
    for bad in ("script", "iframe", "object", "embed", "img", "base", "form", "math", "button"):
        assert bad not in tags, bad
    assert tags.count("style") == 1 and tags.count("meta") == 5 and tags.count("link") == 1
    assert not page.comments
    for tag, name, value in page.attrs:
        assert not name.startswith("on"), (tag, name)
        if name in URL_ATTRIBUTES:  # no javascript:, no request: a fragment or inline data
            assert value.startswith(("#", "data:", "url(#")), (tag, name, value)
        if name == "style":
            assert "url(" not in value and "expression(" not in value, (tag, value)
        if name == "http-equiv":
            assert value == "Content-Security-Policy", value  # no refresh, no second policy
    csp = [v for t, n, v in page.attrs if t == "meta" and n == "content" and "default-src" in v]
    assert csp == [CSP] and "script-src" not in CSP and "default-src 'none'" in CSP


def test_every_string_field_hostile_renders_with_no_active_content(tmp_path: Path) -> None:
    """Payloads in every string: the page has exactly the elements of a benign page."""
    hostile = load_report(_edited(tmp_path, _suffixer(HOSTILE), "hostile.json"))
    plain = load_report(
        _edited(tmp_path, _suffixer(tuple(f" plain {i}" for i in range(len(HOSTILE)))), "p.json")
    )
    page = _parse(render_html(hostile))
    _assert_inert(page)
    # The strongest form: hostile text changed no element and no attribute name anywhere.
    assert page.shape == _parse(render_html(plain)).shape


@pytest.mark.parametrize("payload", HOSTILE)
def test_each_payload_alone_in_every_field_stays_text(payload: str, tmp_path: Path) -> None:
    """Every string replaced by the payload itself (ids collide: the page must still render)."""
    report = load_report(_edited(tmp_path, lambda key, value: payload, "r.json"))
    text = render_html(report)
    _assert_inert(_parse(text))
    lowered = text.lower()
    for opener in ("<script", "<svg/", "<svg>", "<math", "<img", "<iframe", "<base", "<!--"):
        assert opener not in lowered, opener
    assert lowered.count("</style") == 1  # the payload never closes our stylesheet
    assert "\x00" not in text and "\x1b" not in text  # controls are shown as [U+0000], [U+001B]


def test_the_written_files_are_inert_and_round_trip(tmp_path: Path) -> None:
    """Re-rendering (write_report) keeps the hostile text as data: JSON equal, HTML inert."""
    report = load_report(_edited(tmp_path, _suffixer(HOSTILE), "hostile.json"))
    html_path, json_path = write_report(report, tmp_path / "out")
    _assert_inert(_parse(html_path.read_text(encoding="utf-8")))
    assert load_report(json_path) == report
    shown = htmllib.unescape(html_path.read_text(encoding="utf-8"))
    assert "window.__xss=23" in shown  # shown to the reader as text, not dropped


@pytest.mark.parametrize("field", ["verdict", "state"])
def test_payload_in_an_enumerated_field_is_refused(field: str, tmp_path: Path) -> None:
    data = json.loads(to_json(sample_report()))
    if field == "verdict":
        data["derivatives"][0]["verdict"] = "<script>x</script>"
        where = r"derivatives\[0\]\.verdict"
    else:
        data["lineage"]["nodes"][1]["state"] = "degraded' style='x"
        where = r"lineage\.nodes\[1\]\.state"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReportError, match=rf"^{path}: {where}: expected one of "):
        load_report(path)


def test_the_terminal_summary_shows_controls_instead_of_obeying_them(tmp_path: Path) -> None:
    """Ids reach the terminal too: an ESC sequence must not retitle or clear it."""
    source = _edited(
        tmp_path,
        lambda key, value: value + "\x1b]0;owned\x07\x1b[2J[bold]x[/]" if key == "id" else value,
        "report.json",
    )
    result = subprocess.run(
        [sys.executable, "-c", "from auditor.cli import main; main()", "report"]
        + ["--from-json", str(source), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "250"},
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "[U+001B]]0;owned[U+0007][U+001B][2J[bold]x[/]" in result.stdout
