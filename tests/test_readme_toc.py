"""README's table of contents: it comes after the first screen, links every section by a
working anchor and every page in docs/, so a new section or page cannot be left out of it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOC_START = "**Contents**"


def _sections(text: str) -> list[str]:
    """The README's ``##`` headings, outside fenced code blocks."""
    found, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            found.append(line[3:].strip())
    return found


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.replace("`", "").lower()).replace(" ", "-")


def _toc(text: str) -> str:
    start = text.index(TOC_START)
    return text[start : text.index("\n## ", start)]


def test_toc_follows_the_first_screen() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    toc = text.index(TOC_START)
    assert text.index("make demo") < toc and text.index("make test") < toc
    assert toc < text.index("\n## ")  # before the first section


def test_toc_links_every_section_by_its_anchor() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\(#([^)]+)\)", _toc(text))
    assert linked == [_anchor(h) for h in _sections(text)]


def test_toc_links_every_docs_page() -> None:
    toc = _toc((ROOT / "README.md").read_text(encoding="utf-8"))
    linked = set(re.findall(r"\]\((docs/[^)#]+\.md)\)", toc))
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages <= linked, pages - linked
