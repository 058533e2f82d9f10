"""The HTML page: self-contained, strict CSP, and inert against hostile strings."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from reports import from_json, render_html, write_report
from reports._html import CSP
from tests.reports._payloads import ALL, PAYLOADS
from tests.reports._sample import sample_report


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def _parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    c.close()
    return c


def test_page_is_self_contained_with_strict_csp() -> None:
    html = render_html(sample_report())
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert "default-src 'none'" in CSP and "script-src" not in CSP
    page = _parse(html)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "iframe" not in tags and "img" not in tags
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "xlink:href", "action"):
                assert value is not None and value.startswith(("#", "data:", "url(#")), value
    # the only absolute URL is the SVG namespace, which is a name, not a request
    assert html.count("://") == html.count('xmlns="http://www.w3.org/2000/svg"')


def test_every_section_is_rendered() -> None:
    html = render_html(sample_report())
    for anchor in (
        "summary",
        "lineage",
        "unsafe",
        "over-refusal",
        "eval-awareness",
        "reasoning",
        "categories",
        "derivatives",
        "models",
        "methods",
        "provenance",
    ):
        assert f'<section id="{anchor}">' in html
    assert "could detect a rise of 6.1 points" in html
    assert html.count('<details class="notice">') == 3  # derivatives with discordant examples
    assert "open" not in [n for t, a in _parse(html).tags if t == "details" for n, _ in a]
    assert "bob/gemma-270m-uncensored" in html and "Cohen’s κ = 0.86" in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_strings_stay_text(payload: str) -> None:
    report = sample_report(payload=payload)
    html = render_html(report)
    page = _parse(html)
    tags = [t for t, _ in page.tags]
    for bad in ("script", "img", "iframe", "textarea"):
        assert bad not in tags, bad
    assert tags.count("style") == 1  # only ours, in the head
    assert tags.count("title") == 1 + len(report.lineage.nodes)  # the page's and one per node
    hrefs = [v for t, at in page.tags for n, v in at if n == "href"]
    assert all(v is not None and v.startswith(("#", "data:")) for v in hrefs), hrefs
    for tag, attrs in page.tags:
        assert all(not n.startswith("on") for n, _ in attrs), (tag, attrs)
    assert payload in "".join(page.text)  # shown to the reader verbatim, as text


def test_payload_inside_svg_text_and_attributes_is_escaped() -> None:
    html = render_html(sample_report(payload='"><svg onload=alert(1)>'))
    svg_start = html.index('<svg class="lineage')
    svg = html[svg_start : html.index("</svg>", svg_start)]
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in svg
    assert "<svg onload" not in html


def test_write_report_writes_both_files(tmp_path) -> None:
    report = sample_report(payload=ALL)
    html_path, json_path = write_report(report, tmp_path / "out")
    assert html_path.name == "report.html" and json_path.name == "report.json"
    assert from_json(json_path.read_text(encoding="utf-8")) == report
    assert json.loads(json_path.read_text())["schema_version"] == 2
    assert html_path.read_text(encoding="utf-8") == render_html(report)
    assert html_path.stat().st_mode & 0o044  # readable by others, like any written file
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_sparse_reports_render_with_plain_explanations() -> None:
    import dataclasses

    full = sample_report()
    bare = tuple(
        dataclasses.replace(
            d,
            vs_root=None,
            over_refusal=None,
            eval_awareness=None,
            reasoning=None,
            categories=(),
            discordant=(),
            n_discordant=0,
            ci=None,
            difference=None,
        )
        for d in full.derivatives
    )
    html = render_html(dataclasses.replace(full, derivatives=bare))
    assert "over-refusal was not measured" in html
    assert "no items in both evaluation and deployment framing" in html
    assert "No reasoning traces were captured" in html
    assert "No item was refused by the parent and answered by this derivative" in html
    none = dataclasses.replace(full, derivatives=())
    html = render_html(none)
    assert "No derivative could be audited" in html and "evil/gated-model" in html


def test_bidi_and_zero_width_controls_are_made_visible() -> None:
    rlo = "\u202e"
    html = render_html(sample_report(payload=f"{rlo}fdp.exe\u200b"))
    assert rlo not in html and "\u200b" not in html
    assert "[U+202E]fdp.exe[U+200B]" in html
