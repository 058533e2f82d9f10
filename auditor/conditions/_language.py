"""``lang:<code>``: the item's user text replaced by its shipped translation.

Translations exist for some built-in suites only (``auditor.suites.load_translations``).
An item the translation does not cover (another suite, a user's own file, an item whose
English text is no longer the one translated) is :class:`Unsupported` for this item:
never a silent fallback to the English text, which would compare languages on nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from auditor.conditions._condition import Unsupported
from auditor.errors import SuiteError
from auditor.suites import Item


def translation(item: Item, code: str) -> str | Unsupported:
    """The item's user text in language ``code``, or why there is none."""
    name = f"lang:{code}"
    loaded = _translations(item.suite, code)
    if isinstance(loaded, Unsupported):
        return loaded
    prompts, source_hashes = loaded
    if item.id not in prompts:
        return Unsupported(f"{name}: no translation of item {item.id!r} of suite {item.suite!r}")
    if source_hashes.get(item.id) != item.content_hash:
        return Unsupported(f"{name}: item {item.id!r} differs from the built-in {item.suite!r} "
                           "item that was translated")
    return prompts[item.id]


@lru_cache(maxsize=64)
def _translations(
    suite: str, code: str
) -> tuple[Mapping[str, str], Mapping[str, str]] | Unsupported:
    """(prompts by id, the translated English items' content hashes by id), or why not."""
    from auditor.suites import load_suite, load_translations

    try:
        prompts = load_translations(suite, code)
        english = load_suite(suite)
    except SuiteError as exc:
        return Unsupported(f"lang:{code}: {exc}")
    return prompts, {item.id: item.content_hash for item in english.items}


def known_languages() -> tuple[str, ...]:
    """The language codes shipped with translations."""
    from auditor.suites import available_languages

    return tuple(available_languages())
