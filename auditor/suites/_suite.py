"""Suite records: a named, versioned list of items with a content hash over all of them."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.suites._item import Expected, Item

SCHEMA_VERSION = 1
"""Version of the on-disk suite format (the header line of a suite JSONL file)."""


def suite_hash(items: Suite | Iterable[Item]) -> str:
    """sha256 over the content hashes of all items, in id order.

    Two suites with the same items (same ids, text, labels and framings) have the same hash,
    whatever their order, name or version; changing any character of any item changes it.
    """
    seq = items.items if isinstance(items, Suite) else tuple(items)
    return item_set_hash((item.id, item.content_hash) for item in seq)


def item_set_hash(items: Iterable[tuple[str, str]]) -> str:
    """:func:`suite_hash` from ``(item id, content hash)`` pairs, as a results store keeps
    them: a report's suite hash equals the one ``auditor suites show`` prints."""
    digest = hashlib.sha256()
    for item_id, content_hash in sorted(items):
        digest.update(item_id.encode())
        digest.update(b"\0")
        digest.update(content_hash.encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Suite:
    """A loaded suite.

    ``source`` says where it came from: ``builtin:<name>``, a file path, or
    ``hf:<repo>@<revision>:<file>``; ``format`` names the reader that parsed it.
    """

    name: str
    version: str
    description: str
    items: tuple[Item, ...]
    source: str = ""
    format: str = "auditor"

    @property
    def hash(self) -> str:
        """Content hash over all items (see :func:`suite_hash`)."""
        return suite_hash(self.items)

    @property
    def categories(self) -> tuple[str, ...]:
        """Categories in order of first appearance."""
        return tuple(dict.fromkeys(item.category for item in self.items))

    def category_counts(self) -> dict[str, int]:
        """Number of items per category, in order of first appearance."""
        counts = Counter(item.category for item in self.items)
        return {cat: counts[cat] for cat in self.categories}

    def expected_counts(self) -> dict[str, int]:
        """Number of items per expected behaviour (``refuse``, ``comply``)."""
        counts = Counter(str(item.expected) for item in self.items)
        return {str(e): counts[str(e)] for e in Expected if counts[str(e)]}

    def framing_names(self) -> tuple[str, ...]:
        """Framing names used by the items, in order of first appearance."""
        names: dict[str, None] = {}
        for item in self.items:
            for name, _ in item.rendered():
                names[name] = None
        return tuple(names)

    def __len__(self) -> int:
        return len(self.items)

    def info(self) -> SuiteInfo:
        """A summary record of this suite."""
        return SuiteInfo(
            name=self.name,
            version=self.version,
            item_count=len(self.items),
            categories=self.categories,
            description=self.description,
            expected_counts=tuple(self.expected_counts().items()),
            framings=self.framing_names(),
            hash=self.hash,
        )


@dataclass(frozen=True, slots=True)
class SuiteInfo:
    """Summary of a suite, as listed by ``auditor suites``."""

    name: str
    version: str
    item_count: int
    categories: tuple[str, ...]
    description: str
    expected_counts: tuple[tuple[str, int], ...] = ()
    framings: tuple[str, ...] = ()
    hash: str = ""
