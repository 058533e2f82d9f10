"""Splitting a response into located segments (sentences, list items, code blocks).

Every heuristic decision is made on segments that keep their character offsets into the
original response, so each verdict can point at the exact spans that decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) and whitespace.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9*#_-])")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•+]|\(?[a-z]\))\s+\S")
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+\S|\*\*[^*]+\*\*:?\s*$)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence, list item, heading or code block of a response, with its offsets."""

    start: int
    end: int
    text: str
    kind: str  # "sentence" | "item" | "heading" | "code"
    paragraph: int  # index of the paragraph (blank-line separated block) it belongs to

    @property
    def n_words(self) -> int:
        return len(_WORD.findall(self.text))


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


_MARKER = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•+]|\(?[a-z]\))\s+")


def _split_sentences(line: str, offset: int, paragraph: int, kind: str) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    # A list marker ("1. ") is not a sentence end: start the search after it.
    marker = _MARKER.match(line) if kind == "item" else None
    for match in _SENTENCE_END.finditer(line, marker.end() if marker else 0):
        piece = line[pos : match.start()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(
                Segment(offset + pos + lead, offset + match.start(), piece.strip(), kind, paragraph)
            )
            kind = "sentence"  # only the first sentence of a list line is the item itself
        pos = match.end()
    piece = line[pos:]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        end = offset + pos + lead + len(piece.strip())
        out.append(Segment(offset + pos + lead, end, piece.strip(), kind, paragraph))
    return out


def segment(text: str) -> list[Segment]:
    """Split ``text`` into located segments, in order.

    Lines are the primary unit (models put list items and headings on their own lines); each
    prose line is further split into sentences. Fenced code blocks become one ``code`` segment.
    """
    segments: list[Segment] = []
    paragraph = 0
    in_code = False
    code_start = 0
    offset = 0
    blank_run = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if _FENCE.match(line):
            if in_code:
                end = offset + len(line.rstrip())
                segments.append(
                    Segment(code_start, end, text[code_start:end], "code", paragraph)
                )
                in_code = False
            else:
                in_code = True
                code_start = offset + (len(line) - len(line.lstrip()))
            offset += len(line)
            continue
        if in_code:
            offset += len(line)
            continue
        if not stripped:
            blank_run = True
            offset += len(line)
            continue
        if blank_run and segments:
            paragraph += 1
        blank_run = False
        if _LIST_ITEM.match(line):
            kind = "item"
        elif _HEADING.match(line):
            kind = "heading"
        else:
            kind = "sentence"
        segments.extend(_split_sentences(line.rstrip("\r\n"), offset, paragraph, kind))
        offset += len(line)
    if in_code:  # an unterminated fence (e.g. truncated output) is still code
        end = len(text.rstrip())
        if end > code_start:
            segments.append(Segment(code_start, end, text[code_start:end], "code", paragraph))
    return segments
