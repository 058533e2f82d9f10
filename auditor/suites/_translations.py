"""Translations of built-in suites, for the ``lang:<code>`` condition.

A translation file ``data/lang/<code>/<suite>.jsonl`` holds a header naming the English suite
it was made from (its version and :func:`suite_hash`), then one ``{"id", "prompt"}`` line per
item. The loader is strict because a silently partial or stale translation would compare a
model on different requests in different languages: every English item must be translated
exactly once, no other ids, no empty text, and the header must match the suite as it is now.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from auditor.errors import SuiteError
from auditor.safeio import FileKind, MiB, parse_json, read_text
from auditor.suites._load import load_suite
from auditor.suites._suite import SCHEMA_VERSION, Suite

TRANSLATED_SUITES = ("harm", "benign-twins")
"""Built-in suites that ship with translations."""

TRANSLATION_FILE = FileKind("suite translation", 16 * MiB)
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
HEADER_KEYS = frozenset(
    {"schema_version", "suite", "language", "source_suite_version", "source_hash", "method"}
)
ITEM_KEYS = frozenset({"id", "prompt"})


@dataclass(frozen=True, slots=True)
class Translations(Mapping[str, str]):
    """One suite's prompts in one language, by item id, with the header they came with."""

    suite: str
    language: str
    source_suite_version: str
    source_hash: str
    method: str
    prompts: Mapping[str, str]

    def __getitem__(self, item_id: str) -> str:
        return self.prompts[item_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.prompts)

    def __len__(self) -> int:
        return len(self.prompts)


def _default_folder() -> Path:
    return Path(str(resources.files("auditor.suites") / "data" / "lang"))


def available_languages(folder: Path | None = None) -> tuple[str, ...]:
    """Language codes with a translation of every suite in :data:`TRANSLATED_SUITES`."""
    root = folder or _default_folder()
    if not root.is_dir():
        return ()
    return tuple(sorted(
        entry.name for entry in root.iterdir()
        if LANGUAGE_RE.match(entry.name)
        and all((entry / f"{suite}.jsonl").is_file() for suite in TRANSLATED_SUITES)
    ))


def load_translations(
    suite_name: str, code: str, *, folder: Path | None = None
) -> Translations:
    """The prompts of built-in suite ``suite_name`` in language ``code``, by item id.

    ``folder`` holds ``<code>/<suite>.jsonl`` files (default: the ones shipped with the
    package). Every failure is a :class:`SuiteError` naming the file and line.
    """
    if suite_name not in TRANSLATED_SUITES:
        raise SuiteError(
            f"no translations of suite {suite_name!r}; translated suites are "
            f"{', '.join(TRANSLATED_SUITES)}"
        )
    if not isinstance(code, str) or not LANGUAGE_RE.match(code):
        raise SuiteError(f"language code {code!r} must look like 'es', 'zh' or 'pt-br'")
    path = (folder or _default_folder()) / code / f"{suite_name}.jsonl"
    if not path.is_file():
        known = ", ".join(available_languages(folder)) or "none"
        raise SuiteError(f"no {code!r} translation of suite {suite_name!r} (available: {known})")
    text = read_text(path, TRANSLATION_FILE, error=SuiteError)
    return parse_translations(text, path=str(path), source=load_suite(suite_name), code=code)


def parse_translations(text: str, *, path: str, source: Suite, code: str) -> Translations:
    """Check a translation document against the English ``source`` suite it translates."""
    header: dict[str, Any] | None = None
    prompts: dict[str, str] = {}
    lines: dict[str, int] = {}
    wanted = {item.id for item in source.items}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        record = parse_json(line, where, error=SuiteError)
        if not isinstance(record, dict):
            raise SuiteError(f"{where}: expected a JSON object, got {type(record).__name__}")
        if header is None:
            header = _check_header(record, where, source=source, code=code)
            continue
        item_id, prompt = _check_item(record, where)
        if item_id not in wanted:
            raise SuiteError(f"{where}: id {_shown(item_id)} is not an item of suite "
                             f"{source.name!r}")
        if item_id in prompts:
            raise SuiteError(
                f"{where}: duplicate id {_shown(item_id)} (first used on line {lines[item_id]})"
            )
        prompts[item_id], lines[item_id] = prompt, lineno
    if header is None:
        raise SuiteError(f"{path}: empty translation file (expected a header line and items)")
    missing = sorted(wanted - set(prompts))
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        raise SuiteError(f"{path}: {len(missing)} item(s) of {source.name!r} not translated: "
                         f"{shown}")
    ordered = {item.id: prompts[item.id] for item in source.items}
    return Translations(
        suite=source.name,
        language=code,
        source_suite_version=header["source_suite_version"],
        source_hash=header["source_hash"],
        method=header["method"],
        prompts=MappingProxyType(ordered),
    )


def _check_header(
    record: dict[str, Any], where: str, *, source: Suite, code: str
) -> dict[str, Any]:
    if set(record) != HEADER_KEYS:
        raise SuiteError(
            f"{where}: the header must have exactly the keys {sorted(HEADER_KEYS)}, "
            f"got {sorted(record)}"
        )
    if record["schema_version"] != SCHEMA_VERSION or isinstance(record["schema_version"], bool):
        raise SuiteError(f"{where}: schema_version {record['schema_version']!r} is not "
                         f"supported (this auditor reads {SCHEMA_VERSION})")
    for key in HEADER_KEYS - {"schema_version"}:
        if not isinstance(record[key], str) or not record[key].strip():
            raise SuiteError(f"{where}: header key {key!r} must be a non-empty string")
    if record["suite"] != source.name or record["language"] != code:
        raise SuiteError(
            f"{where}: the header says suite {record['suite']!r} in {record['language']!r}, "
            f"but the file is the {code!r} translation of {source.name!r}"
        )
    if record["source_hash"] != source.hash:
        raise SuiteError(
            f"{where}: translated from {source.name} {record['source_suite_version']} "
            f"(hash {record['source_hash'][:12]}...), but the suite is now {source.version} "
            f"(hash {source.hash[:12]}...); re-translate the changed items and update "
            "source_suite_version and source_hash in the header"
        )
    return record


def _check_item(record: dict[str, Any], where: str) -> tuple[str, str]:
    if set(record) != ITEM_KEYS:
        raise SuiteError(f"{where}: an item line has exactly the keys 'id' and 'prompt', "
                         f"got {sorted(record)}")
    item_id, prompt = record["id"], record["prompt"]
    if not isinstance(item_id, str) or not item_id:
        raise SuiteError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(prompt, str) or not prompt.strip():
        raise SuiteError(f"{where}: the translation of {item_id!r} is empty")
    if "\0" in prompt:
        raise SuiteError(f"{where}: the translation of {item_id!r} holds a NUL character")
    return item_id, prompt


def _shown(text: str, limit: int = 100) -> str:
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}..."
