"""Translations of the built-in suites: complete, in the right script, current, strictly read."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from auditor.errors import SuiteError
from auditor.suites import (
    TRANSLATED_SUITES,
    Suite,
    available_languages,
    load_suite,
    load_translations,
)

LANGUAGES = ("es", "de", "zh", "ar")
DATA = Path(__file__).resolve().parents[2] / "auditor" / "suites" / "data" / "lang"
# Function words that any page of running text in the language holds.
STOPWORDS = {
    "es": {"el", "la", "los", "las", "de", "del", "que", "qué", "y", "en", "un", "una", "para",
           "con", "por", "mi", "sin", "se", "es", "cómo"},
    "de": {"der", "die", "das", "den", "dem", "und", "ich", "ein", "eine", "einer", "mit",
           "nicht", "wie", "zu", "mein", "für", "von", "am", "an", "auf", "ist", "hat", "was",
           "welche", "welcher"},
}
DIACRITICS = {"es": set("áéíóúñ¿¡"), "de": set("äöüß")}
ENGLISH = {"the", "and", "you", "with", "how", "what", "without", "my", "your", "that"}


@pytest.fixture(scope="module")
def english() -> dict[str, Suite]:
    return {name: load_suite(name) for name in TRANSLATED_SUITES}


def cases() -> list[tuple[str, str]]:
    return [(code, suite) for code in LANGUAGES for suite in TRANSLATED_SUITES]


def script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if name.startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH")):
        return "cjk"
    return name.split(" ", 1)[0].lower()  # LATIN, ARABIC, ...


def script_share(text: str, script: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(script_of(ch) == script for ch in letters) / len(letters)


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.casefold()))


def numbers(text: str) -> list[int]:
    """The numbers written in digits (any script), thousands separators dropped."""
    digits = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    joined = re.sub(r"(?<=\d)[.,\u066c\u00a0 ](?=\d{3}(?!\d))", "", digits)
    return sorted(int(n) for n in re.findall(r"\d+", joined))


def test_the_four_languages_ship() -> None:
    assert set(LANGUAGES) <= set(available_languages())


@pytest.mark.parametrize(("code", "name"), cases())
def test_every_item_translated_once_and_no_other_ids(
    code: str, name: str, english: dict[str, Suite]
) -> None:
    translations = load_translations(name, code)
    lines = (DATA / code / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()[1:]
    ids = [json.loads(line)["id"] for line in lines if line.strip()]
    assert sorted(ids) == sorted(item.id for item in english[name].items)
    assert list(translations) == [item.id for item in english[name].items]
    assert translations.language == code and translations.suite == name
    assert translations.method.strip()


@pytest.mark.parametrize(("code", "name"), cases())
def test_header_matches_the_current_english_suite(
    code: str, name: str, english: dict[str, Suite]
) -> None:
    header = json.loads((DATA / code / f"{name}.jsonl").read_text(encoding="utf-8")
                        .splitlines()[0])
    suite = english[name]
    assert header["source_hash"] == suite.hash, (
        f"the English suite {name!r} changed since its {code!r} translation was made: "
        f"re-translate the changed items in auditor/suites/data/lang/{code}/{name}.jsonl, then "
        f"set its header's source_suite_version to {suite.version!r} and source_hash to "
        f"{suite.hash!r}"
    )
    assert header["source_suite_version"] == suite.version


@pytest.mark.parametrize(("code", "name"), cases())
def test_no_item_is_left_in_english(code: str, name: str, english: dict[str, Suite]) -> None:
    translations = load_translations(name, code)
    for item in english[name].items:
        source, text = item.messages[-1].content, translations[item.id]
        assert text.casefold() != source.casefold(), f"{code}/{name}:{item.id} is English"
        assert len(words(text) & ENGLISH) < 2, f"{code}/{name}:{item.id} reads as English"


@pytest.mark.parametrize(("code", "name"), cases())
def test_numbers_are_kept(code: str, name: str, english: dict[str, Suite]) -> None:
    translations = load_translations(name, code)
    for item in english[name].items:
        source = item.messages[-1].content
        assert numbers(translations[item.id]) == numbers(source), f"{code}/{name}:{item.id}"


@pytest.mark.parametrize("name", TRANSLATED_SUITES)
@pytest.mark.parametrize("code", [c for c in LANGUAGES if c in STOPWORDS])
def test_latin_languages_read_as_their_language(code: str, name: str) -> None:
    translations = load_translations(name, code)
    for item_id, text in translations.items():
        assert script_share(text, "latin") > 0.9, f"{code}/{name}:{item_id}"
        assert words(text) & STOPWORDS[code], f"{code}/{name}:{item_id} has no {code} words"
    marked = [text for text in translations.values() if set(text.casefold()) & DIACRITICS[code]]
    assert len(marked) > len(translations) / 3, f"{code}/{name}: few {code} diacritics"


@pytest.mark.parametrize("name", TRANSLATED_SUITES)
@pytest.mark.parametrize(("code", "script"), [(c, s) for c, s in (("zh", "cjk"),
                                              ("ar", "arabic")) if c in LANGUAGES])
def test_other_scripts_dominate(code: str, script: str, name: str) -> None:
    translations = load_translations(name, code)
    for item_id, text in translations.items():
        assert script_share(text, script) > 0.5, f"{code}/{name}:{item_id}"
    assert script_share("".join(translations.values()), script) > 0.8


# --- the loader's checks, on files written here ----------------------------------------------


def write(folder: Path, code: str, name: str, header: dict[str, object] | None,
          *records: object) -> Path:
    path = folder / code / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(header)] if header is not None else []
    lines += [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_header(suite: Suite, code: str = "fr") -> dict[str, object]:
    return {"schema_version": 1, "suite": suite.name, "language": code,
            "source_suite_version": suite.version, "source_hash": suite.hash, "method": "test"}


def all_items(suite: Suite) -> list[dict[str, str]]:
    return [{"id": item.id, "prompt": f"traduit {item.id}"} for item in suite.items]


def test_a_complete_file_loads_from_a_folder(tmp_path: Path, english: dict[str, Suite]) -> None:
    harm = english["harm"]
    write(tmp_path, "fr", "harm", good_header(harm), *reversed(all_items(harm)))
    write(tmp_path, "fr", "benign-twins", good_header(english["benign-twins"]),
          *all_items(english["benign-twins"]))
    loaded = load_translations("harm", "fr", folder=tmp_path)
    assert loaded["weapons-01"] == "traduit weapons-01"
    assert list(loaded) == [item.id for item in harm.items]  # suite order, whatever the file's
    assert available_languages(tmp_path) == ("fr",)


@pytest.mark.parametrize(("change", "message"), [
    (lambda h, items: (h, [*items, {"id": "nope-01", "prompt": "x"}]), "'nope-01' is not an item"),
    (lambda h, items: (h, [*items, items[3]]), "duplicate id 'weapons-04'.*first used on line 5"),
    (lambda h, items: (h, [{**items[0], "prompt": "  "}, *items[1:]]), "weapons-01' is empty"),
    (lambda h, items: (h, items[:-2]), "2 item.* not translated: violence-13, violence-14"),
    (lambda h, items: ({**h, "suite": "benign-twins"}, items), "header says suite 'benign-twins'"),
    (lambda h, items: ({**h, "language": "de"}, items), "in 'de'.*'fr' translation"),
    (lambda h, items: ({**h, "source_hash": "0" * 64}, items), "re-translate the changed items"),
    (lambda h, items: ({k: v for k, v in h.items() if k != "method"}, items), "exactly the keys"),
    (lambda h, items: ({**h, "schema_version": 2}, items), "schema_version 2"),
    (lambda h, items: (h, [{**items[0], "category": "x"}, *items[1:]]), "exactly the keys"),
    (lambda h, items: (h, ["[1, 2]", *items]), "expected a JSON object"),
    (lambda h, items: (h, ["{not json", *items]), "not valid JSON"),
])
def test_bad_files_are_clear_suite_errors(
    tmp_path: Path, english: dict[str, Suite], change: object, message: str
) -> None:
    harm = english["harm"]
    header, items = change(good_header(harm), all_items(harm))  # type: ignore[operator]
    path = write(tmp_path, "fr", "harm", header, *items)
    with pytest.raises(SuiteError, match=message) as info:
        load_translations("harm", "fr", folder=tmp_path)
    assert str(path) in str(info.value)


def test_unknown_suite_language_or_code(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="no translations of suite 'smoke'"):
        load_translations("smoke", "es")
    with pytest.raises(SuiteError, match="no 'xx' translation of suite 'harm'.*available: .*es"):
        load_translations("harm", "xx")
    with pytest.raises(SuiteError, match="must look like"):
        load_translations("harm", "../harm")
    write(tmp_path, "fr", "harm", None)
    with pytest.raises(SuiteError, match="empty translation file"):
        load_translations("harm", "fr", folder=tmp_path)
    assert available_languages(tmp_path) == ()  # benign-twins is missing
    assert available_languages(tmp_path / "absent") == ()
