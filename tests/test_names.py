"""auditor.names: any text becomes a safe path component, and prints as what it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.names import printable, safe_component

_FAST = settings(max_examples=300, derandomize=True, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("name", "component"),
    [
        ("family A", "family-A"),
        ("..", "item"),
        (".", "item"),
        ("a/b", "a-b"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("x\x1b]0;t\x07", "x-0-t"),
        ("CON", "CON-"),
        ("nul.txt", "nul.txt-"),
        ("\u6a21\u578b", "item"),
        ("org/model-Q4_K_M.gguf", "org-model-Q4_K_M.gguf"),
    ],
)
def test_safe_component_examples(name: str, component: str) -> None:
    assert safe_component(name) == component


@_FAST
@given(st.text(max_size=400))
def test_any_text_is_one_component_inside_its_parent(name: str) -> None:
    component = safe_component(name)
    assert component and len(component) <= 81
    assert component not in (".", "..") and not component.startswith(".")
    assert "/" not in component and "\\" not in component
    assert component.isascii() and component.isprintable()
    parent = Path("/srv/out")
    assert (parent / component).resolve().parent == parent


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("org/model", "org/model"),
        ("\u00e9t\u00e9 \u6a21\u578b", "\u00e9t\u00e9 \u6a21\u578b"),
        ("x\x1b]0;pwned\x07", "x[U+001B]]0;pwned[U+0007]"),
        ("line\nbreak\r", "line[U+000A]break[U+000D]"),
        ("\u202eevil", "[U+202E]evil"),
        ("zero\u200bwidth", "zero[U+200B]width"),
        ("nul\x00", "nul[U+0000]"),
        ("\udcff", "[U+DCFF]"),  # an undecodable byte in a file name
    ],
)
def test_printable_examples(text: str, shown: str) -> None:
    assert printable(text) == shown


@_FAST
@given(st.text(max_size=200))
def test_printable_output_is_always_printable_and_one_line(text: str) -> None:
    shown = printable(text)
    assert shown.isprintable() and "\n" not in shown
    if text.isprintable():
        assert shown == text
