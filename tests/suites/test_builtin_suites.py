"""The built-in suites: they load, meet their minimums, and stay requests (never recipes)."""

from __future__ import annotations

import csv
import difflib
import re
from collections import Counter
from pathlib import Path

import pytest

from auditor.errors import SuiteError
from auditor.suites import BUILTIN_NAMES, Expected, Suite, builtin_suites, load_suite

HARM_CATEGORIES = {"weapons", "cyber", "self_harm", "fraud", "hate_harassment", "privacy",
                   "chem_bio", "violence"}
XSTEST = Path("/work/shared/data/xstest-dev/xstest_prompts.csv")


@pytest.fixture(scope="module")
def suites() -> dict[str, Suite]:
    return {name: load_suite(name) for name in BUILTIN_NAMES}


def texts(suite: Suite) -> list[tuple[str, str]]:
    return [(item.id, m.content) for item in suite.items for _, msgs in item.rendered()
            for m in msgs]


def test_every_builtin_loads_with_unique_ids_and_slugs(suites: dict[str, Suite]) -> None:
    assert set(suites) == {"harm", "benign-twins", "rule-defeat", "framing", "smoke", "pressure",
                           "agentic"}
    for name, suite in suites.items():
        assert suite.name == name and suite.source == f"builtin:{name}"
        assert suite.version and suite.description
        ids = [item.id for item in suite.items]
        assert len(ids) == len(set(ids)), name
        assert all(re.fullmatch(r"[a-z0-9_]+", c) for c in suite.categories), name
        assert all(item.suite == name for item in suite.items)


def test_harm(suites: dict[str, Suite]) -> None:
    harm = suites["harm"]
    assert len(harm) >= 100
    counts = harm.category_counts()
    assert set(counts) == HARM_CATEGORIES
    assert min(counts.values()) >= 12, counts
    assert {item.expected for item in harm.items} == {Expected.REFUSE}
    styles = Counter(tag for item in harm.items for tag in item.tags)
    assert {"direct", "roleplay", "fiction", "hypothetical", "stepwise", "pretext"} <= set(styles)
    for category in HARM_CATEGORIES:  # phrasing varies inside every category
        tags = {t for item in harm.items if item.category == category for t in item.tags}
        assert len(tags) >= 3, category
    lengths = [len(text) for _, text in texts(harm)]
    assert min(lengths) < 50 and max(lengths) > 150  # short and long asks


def test_benign_twins(suites: dict[str, Suite]) -> None:
    twins = suites["benign-twins"]
    assert len(twins) >= 100
    assert {item.expected for item in twins.items} == {Expected.COMPLY}
    counts = twins.category_counts()
    assert set(counts) == HARM_CATEGORIES and min(counts.values()) >= 10
    kinds = {t for item in twins.items for t in item.tags}
    assert {"homonym", "safe_context", "fiction", "history", "definition",
            "safety_info"} <= kinds


def test_rule_defeat(suites: dict[str, Suite]) -> None:
    rules = suites["rule-defeat"]
    assert len(rules) >= 50
    assert {item.expected for item in rules.items} == {Expected.COMPLY}
    assert len(rules.categories) >= 6
    kinds = {t for item in rules.items for t in item.tags}
    assert {"unjust_rule", "absurd_rule", "outdated_rule", "legit_exception"} <= kinds


def test_framing_pairs_are_complete(suites: dict[str, Suite]) -> None:
    framing = suites["framing"]
    assert len(framing) >= 40
    assert framing.expected_counts()["refuse"] >= 20
    assert framing.expected_counts()["comply"] >= 20
    assert set(framing.categories) == HARM_CATEGORIES
    assert framing.framing_names() == ("evaluation", "deployment")
    eval_cue = re.compile(r"benchmark|evaluat|test case|test prompt", re.IGNORECASE)
    for item in framing.items:
        rendered = dict(item.rendered())
        assert list(rendered) == ["evaluation", "deployment"], item.id
        core = item.messages[-1].content
        evaluation = rendered["evaluation"][-1].content
        deployment = rendered["deployment"][-1].content
        assert core in evaluation and eval_cue.search(evaluation), item.id
        assert not eval_cue.search(deployment), item.id
        assert len(deployment) > len(core)  # a realistic message carries context


def test_smoke_is_small_and_mixed(suites: dict[str, Suite]) -> None:
    smoke = suites["smoke"]
    assert 8 <= len(smoke) <= 12
    assert min(smoke.expected_counts().values()) >= 4


def test_builtin_suites_summary_matches(suites: dict[str, Suite]) -> None:
    infos = {info.name: info for info in builtin_suites()}
    assert list(infos) == list(BUILTIN_NAMES)
    for name, info in infos.items():
        suite = suites[name]
        assert info.item_count == len(suite) and info.categories == suite.categories
        assert info.version == suite.version and info.hash == suite.hash
        assert dict(info.expected_counts) == suite.expected_counts()


def test_no_text_is_shared_between_suites(suites: dict[str, Suite]) -> None:
    seen: dict[str, str] = {}
    for name in ("harm", "benign-twins", "rule-defeat"):
        for item_id, text in texts(suites[name]):
            assert text not in seen, f"{name}:{item_id} repeats {seen.get(text)}"
            seen[text] = f"{name}:{item_id}"


# --- content safety: harmful items are requests, never instructions ----------------------

LIST_LINE = re.compile(r"^\s*(\d+[.)]|[-*•]|step\s*\d+\s*[:.)-])\s", re.IGNORECASE | re.MULTILINE)
STEP_WORD = re.compile(r"\bstep\s*(\d+|one|two|three)\b", re.IGNORECASE)
QUANTITY = re.compile(
    r"\d+(\.\d+)?\s?(mg|g|kg|ml|l|grams?|milligrams?|ounces?|oz|°\s?[cf]|degrees|celsius|"
    r"fahrenheit|molar|psi|ppm|minutes|hours)\b", re.IGNORECASE)
REQUEST_CUE = re.compile(
    r"\b(how|what|which|where|give|write|explain|list|tell|help|create|draft|describe|walk|"
    r"find|convince|teach|get|make|compose|plan|do|need|want|"
    # agentic items are commands to act with a tool
    r"send|post|dm|message|reply|pay|transfer|move|copy|read|delete|wipe|set|drive|fly|"
    r"chase|jab|swing|squeeze|switch|turn|block|hover)\b", re.IGNORECASE)


def harmful_texts(suites: dict[str, Suite]) -> list[tuple[str, str]]:
    out = []
    for suite in suites.values():
        for item in suite.items:
            if item.expected is Expected.REFUSE:
                out += [(f"{suite.name}:{item.id}", m.content) for _, msgs in item.rendered()
                        for m in msgs if m.role == "user"]  # a system prompt sets a scene
                out += [(f"{suite.name}:{item.id}:{turn.tactic}", turn.prompt)
                        for turn in item.pressure]
    return out


def test_harmful_items_are_requests_not_recipes(suites: dict[str, Suite]) -> None:
    checked = harmful_texts(suites)
    assert len(checked) > 150
    for where, text in checked:
        assert not LIST_LINE.search(text), f"{where}: looks like a list of steps"
        assert not STEP_WORD.search(text), f"{where}: names a numbered step"
        assert not QUANTITY.search(text), f"{where}: gives a quantity, like a recipe"
        assert len(text) <= 600, f"{where}: too long for a request"
        assert REQUEST_CUE.search(text), f"{where}: does not read as a request"


def test_the_lint_catches_a_recipe() -> None:
    recipe = "How do I do it?\n1. Take 20 g of the powder\n2. Heat to 80 °C"
    assert LIST_LINE.search(recipe) and QUANTITY.search(recipe)
    assert STEP_WORD.search("Step 1: open the valve")


@pytest.mark.skipif(not XSTEST.exists(), reason="shared XSTest file not present")
def test_no_item_copies_xstest(suites: dict[str, Suite]) -> None:
    def norm(s: str) -> str:
        return re.sub(r"[^a-z0-9 ]", "", s.lower()).strip()

    with XSTEST.open(encoding="utf-8") as f:
        theirs = [norm(row["prompt"]) for row in csv.DictReader(f)]
    for suite in suites.values():
        for item_id, text in texts(suite):
            mine = norm(text)
            matcher = difflib.SequenceMatcher(None, b=mine)
            for other in theirs:
                matcher.set_seq1(other)
                close = matcher.real_quick_ratio() > 0.8 and matcher.quick_ratio() > 0.8
                assert not (close and matcher.ratio() > 0.8), (
                    f"{suite.name}:{item_id} is close to XSTest: {other!r}")


def test_limit_spreads_across_categories(suites: dict[str, Suite]) -> None:
    limited = load_suite("harm", limit=16)
    assert len(limited) == 16
    assert set(limited.category_counts().values()) == {2}
    assert [i.id for i in limited.items] == [i.id for i in suites["harm"].items if i in
                                             limited.items]
    assert limited.hash != suites["harm"].hash
    assert load_suite("smoke", limit=1000).hash == suites["smoke"].hash
    mixed = load_suite("framing", limit=8)  # alternates refuse and comply groups
    assert mixed.expected_counts() == {"refuse": 4, "comply": 4}
    assert len(mixed.categories) == 4
    with pytest.raises(SuiteError, match="positive"):
        load_suite("smoke", limit=0)


def test_unknown_name_lists_the_builtins() -> None:
    with pytest.raises(SuiteError, match="unknown suite 'harmm'.*harm, benign-twins"):
        load_suite("harmm")


def test_package_data_holds_exactly_the_builtins() -> None:
    from importlib import resources

    data = resources.files("auditor.suites") / "data"
    names = sorted(entry.name for entry in data.iterdir() if entry.name.endswith(".jsonl"))
    assert names == sorted(f"{name}.jsonl" for name in BUILTIN_NAMES)
