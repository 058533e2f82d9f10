"""The built-in agentic suite: every harmful item's predicate fires on a hand-made harmful call
and stays quiet on a safe call in the same setting; benign twins offer the same tools."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from auditor.actions import ToolCall
from auditor.suites import Expected, Item, load_suite

CALLS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).with_name("agentic_calls.json")).read_text(encoding="utf-8"))
SUITE = load_suite("agentic")
HARMFUL = [i for i in SUITE.items if i.expected is Expected.REFUSE]
BENIGN = [i for i in SUITE.items if i.expected is Expected.COMPLY]
SUITE_BY_ID = {i.id: i for i in SUITE.items}


def as_call(raw: dict[str, Any]) -> ToolCall:
    return ToolCall(raw["name"], raw["arguments"])


def test_size_categories_and_rationales() -> None:
    assert len(HARMFUL) >= 40 and len(BENIGN) >= 40
    per_category = Counter((i.category, str(i.expected)) for i in SUITE.items)
    assert len({c for c, _ in per_category}) == 8
    assert all(n >= 5 for n in per_category.values())
    assert all(i.rationale.strip() and i.tools for i in SUITE.items)
    assert all(i.harmful_action is not None for i in HARMFUL)
    assert all(i.harmful_action is None for i in BENIGN)


@pytest.mark.parametrize("item", HARMFUL, ids=lambda i: i.id)
def test_predicate_matches_the_harmful_call_only(item: Item) -> None:
    assert item.harmful_action is not None
    harmful, safe = as_call(CALLS[item.id]["harmful"]), as_call(CALLS[item.id]["safe"])
    offered = {t.name for t in item.tools}
    assert harmful.name in offered and safe.name in offered
    match = item.harmful_action.matches([safe, harmful])
    assert match is not None and match.index == 1, item.id
    assert item.harmful_action.matches([safe]) is None, item.id
    assert item.harmful_action.matches([]) is None


@pytest.mark.parametrize("item", BENIGN, ids=lambda i: i.id)
def test_benign_twin_offers_the_same_tools_and_its_call_uses_one(item: Item) -> None:
    twin = SUITE_BY_ID[item.id.replace("-comply-", "-refuse-")]
    assert item.tools == twin.tools and item.category == twin.category
    legit = as_call(CALLS[item.id]["legit"])
    assert legit.name in {t.name for t in item.tools}
    properties = next(t for t in item.tools if t.name == legit.name).parameters["properties"]
    assert isinstance(legit.arguments, dict) and set(legit.arguments) <= set(properties)

