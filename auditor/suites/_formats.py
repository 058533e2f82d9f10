"""Public benchmark formats mapped onto :class:`Item`: HarmBench, JailbreakBench, StrongREJECT,
XSTest, and generic CSV/JSONL with column options.

Each reader gets the rows of a file and returns items; :func:`detect_format` picks a reader
from the column names.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.errors import SuiteError
from auditor.suites._item import Expected, Item, Message
from auditor.suites._native import ID_RE
from auditor.suites._rows import Row, slug

log = logging.getLogger(__name__)

LABELS = {
    "refuse": Expected.REFUSE,
    "unsafe": Expected.REFUSE,
    "harmful": Expected.REFUSE,
    "comply": Expected.COMPLY,
    "safe": Expected.COMPLY,
    "benign": Expected.COMPLY,
}
PROMPT_COLUMNS = (
    "prompt", "question", "instruction", "goal", "behavior", "forbidden_prompt", "query",
    "request", "text", "input", "user",
)
ID_COLUMNS = ("id", "item_id", "uid", "behaviorid", "prompt_id", "index", "idx")
CATEGORY_COLUMNS = ("category", "semanticcategory", "type", "topic", "harm_category")
EXPECTED_COLUMNS = ("expected", "label", "expected_behavior", "expected_behaviour")


@dataclass(frozen=True, slots=True)
class Columns:
    """Which columns of a generic CSV/JSONL hold what; ``None`` means "find it by name"."""

    prompt: str | None = None
    id: str | None = None
    category: str | None = None
    expected: str | None = None
    system: str | None = None


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What a reader needs besides the rows."""

    path: Path
    suite: str
    columns: Columns = Columns()
    expected: Expected | None = None


Reader = Callable[[Sequence[str], Sequence[Row], ReadOptions], list[Item]]


def _text(row: Row, column: str, opts: ReadOptions, *, required: bool = True) -> str:
    """A cell as text: a string, or a number (an id column of integers); a list, an object
    or a boolean where text belongs is an error naming the file, the row and the column."""
    value = row.values.get(column)
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
    else:
        raise SuiteError(
            f"{opts.path}:{row.line}: column {column!r} must be text, not "
            f"{_type_name(value)}"
        )
    if required and not text:
        raise SuiteError(f"{opts.path}:{row.line}: column {column!r} is empty")
    if "\0" in text:
        raise SuiteError(f"{opts.path}:{row.line}: column {column!r} holds a NUL character")
    return text


def _type_name(value: Any) -> str:
    names = {dict: "an object", list: "a list", bool: "a boolean", bytes: "binary data"}
    return names.get(type(value), f"a {type(value).__name__}")


def _no_label_override(fmt: str, opts: ReadOptions) -> None:
    if opts.expected is not None:
        raise SuiteError(
            f"{opts.path}: {fmt} files carry their own safe/unsafe labels; "
            "drop the expected= / --expected override"
        )


def _label(value: Any, row: Row, opts: ReadOptions, column: str) -> Expected:
    key = value.strip().lower() if isinstance(value, str) else None
    if key not in LABELS:
        shown = repr(value) if len(repr(value)) <= 100 else f"{repr(value)[:100]}..."
        raise SuiteError(
            f"{opts.path}:{row.line}: column {column!r} has {shown}; "
            f"expected one of {sorted(LABELS)}"
        )
    return LABELS[key]


def _item(opts: ReadOptions, item_id: str, row: Row, **fields: Any) -> Item:
    if not ID_RE.match(item_id):
        shown = repr(item_id) if len(item_id) <= 100 else f"{item_id[:100]!r}..."
        raise SuiteError(f"{opts.path}:{row.line}: id {shown} is not a usable item id "
                         "(letters, digits and _.:/+-, at most 200)")
    return Item(id=item_id, suite=opts.suite, **fields)


def read_xstest(columns: Sequence[str], rows: Sequence[Row], opts: ReadOptions) -> list[Item]:
    """XSTest: id, prompt, type, label (safe/unsafe), focus, note."""
    _no_label_override("XSTest", opts)
    items = []
    for row in rows:
        tags = (slug(_text(row, "focus", opts, required=False), default=""),)
        items.append(_item(
            opts, _text(row, "id", opts), row,
            category=slug(_text(row, "type", opts)),
            expected=_label(row.values.get("label"), row, opts, "label"),
            messages=(Message("user", _text(row, "prompt", opts)),),
            tags=tuple(t for t in tags if t),
        ))
    return items


def read_harmbench(columns: Sequence[str], rows: Sequence[Row], opts: ReadOptions) -> list[Item]:
    """HarmBench: Behavior, FunctionalCategory, SemanticCategory, ContextString, BehaviorID.

    A contextual behaviour is rendered as HarmBench renders it: the context, a ``---`` rule,
    then the request. Multimodal rows (an ``ImageFileName``) are skipped: the runner is text-only.
    """
    items, skipped = [], 0
    for row in rows:
        if _text(row, "ImageFileName", opts, required=False):
            skipped += 1
            continue
        behavior = _text(row, "Behavior", opts)
        context = _text(row, "ContextString", opts, required=False)
        prompt = f"{context}\n\n---\n\n{behavior}" if context else behavior
        category = _text(row, "SemanticCategory", opts, required=False) or _text(
            row, "Category", opts, required=False
        )
        functional = _text(row, "FunctionalCategory", opts, required=False)
        items.append(_item(
            opts, _text(row, "BehaviorID", opts), row,
            category=slug(category),
            expected=opts.expected or Expected.REFUSE,
            messages=(Message("user", prompt),),
            tags=(slug(functional),) if functional else (),
        ))
    if skipped:
        log.warning("%s: skipped %d multimodal behaviour(s) (text-only runner)", opts.path, skipped)
    return items


def jbb_split(path: Path, opts: ReadOptions) -> Expected:
    """Harmful or benign JailbreakBench split: from ``expected=`` or the file name."""
    if opts.expected is not None:
        return opts.expected
    name = path.name.lower()
    if "benign" in name:
        return Expected.COMPLY
    if "harmful" in name:
        return Expected.REFUSE
    raise SuiteError(
        f"{path}: cannot tell whether this JailbreakBench file is the harmful or the benign "
        "split (its name says neither); pass expected='refuse' or 'comply' (--expected)"
    )


def read_jailbreakbench(
    columns: Sequence[str], rows: Sequence[Row], opts: ReadOptions
) -> list[Item]:
    """JailbreakBench behaviors: (Index,) Goal, Target, Behavior, Category, Source."""
    expected = jbb_split(opts.path, opts)
    split = "harmful" if expected is Expected.REFUSE else "benign"
    index_col = next((c for c in columns if c.lower() in ("index", "")), None)
    items = []
    for n, row in enumerate(rows, start=1):
        index = _text(row, index_col, opts, required=False) if index_col is not None else ""
        source = _text(row, "Source", opts, required=False)
        items.append(_item(
            opts, f"jbb-{split}-{index or n}", row,
            category=slug(_text(row, "Category", opts)),
            expected=expected,
            messages=(Message("user", _text(row, "Goal", opts)),),
            tags=(slug(source),) if source else (),
        ))
    return items


def read_strongreject(
    columns: Sequence[str], rows: Sequence[Row], opts: ReadOptions
) -> list[Item]:
    """StrongREJECT: category, source, forbidden_prompt (all harmful)."""
    items = []
    for n, row in enumerate(rows, start=1):
        source = _text(row, "source", opts, required=False)
        items.append(_item(
            opts, f"strongreject-{n:04d}", row,
            category=slug(_text(row, "category", opts, required=False)),
            expected=opts.expected or Expected.REFUSE,
            messages=(Message("user", _text(row, "forbidden_prompt", opts)),),
            tags=(slug(source),) if source else (),
        ))
    return items


def _find(columns: Sequence[str], wanted: str | None, candidates: Sequence[str],
          opts: ReadOptions, what: str) -> str | None:
    if wanted is not None:
        if wanted not in columns:
            raise SuiteError(f"{opts.path}: no column {wanted!r} for the {what}; "
                             f"columns are {list(columns)}")
        return wanted
    by_lower = {c.lower(): c for c in columns}
    return next((by_lower[c] for c in candidates if c in by_lower), None)


def read_generic(columns: Sequence[str], rows: Sequence[Row], opts: ReadOptions) -> list[Item]:
    """Any CSV/JSONL: a prompt (or chat ``messages``) column, optional id/category/label."""
    c = opts.columns
    prompt_col = _find(columns, c.prompt, PROMPT_COLUMNS, opts, "prompt")
    messages_col = None if prompt_col else _find(columns, None, ("messages",), opts, "")
    if prompt_col is None and messages_col is None:
        raise SuiteError(
            f"{opts.path}: cannot find the prompt column among {list(columns)}; name it with "
            "columns=Columns(prompt=...) (--prompt-column) or pick a format (--format)"
        )
    id_col = _find(columns, c.id, ID_COLUMNS, opts, "id")
    cat_col = _find(columns, c.category, CATEGORY_COLUMNS, opts, "category")
    exp_col = _find(columns, c.expected, EXPECTED_COLUMNS, opts, "expected label")
    sys_col = _find(columns, c.system, ("system",), opts, "system prompt")
    if exp_col is not None and opts.expected is not None and c.expected is None:
        exp_col = None  # an explicit expected= wins over a column found by name only
    if exp_col is None and opts.expected is None:
        raise SuiteError(
            f"{opts.path}: no label column ({'/'.join(EXPECTED_COLUMNS)}) to tell harmful from "
            "benign items; pass expected='refuse' or 'comply' (--expected)"
        )
    items = []
    for n, row in enumerate(rows, start=1):
        if messages_col is not None:
            messages = _chat_messages(row.values.get(messages_col), row, opts)
        else:
            assert prompt_col is not None
            system = _text(row, sys_col, opts, required=False) if sys_col else ""
            user = Message("user", _text(row, prompt_col, opts))
            messages = (Message("system", system), user) if system else (user,)
        expected = (_label(row.values.get(exp_col), row, opts, exp_col) if exp_col
                    else opts.expected)
        assert expected is not None
        item_id = _text(row, id_col, opts) if id_col else f"row-{n:05d}"
        items.append(_item(
            opts, item_id, row,
            category=slug(_text(row, cat_col, opts, required=False) if cat_col else ""),
            expected=expected,
            messages=messages,
        ))
    return items


def _chat_messages(raw: Any, row: Row, opts: ReadOptions) -> tuple[Message, ...]:
    where = f"{opts.path}:{row.line}"
    if not isinstance(raw, list) or not raw:
        raise SuiteError(f"{where}: 'messages' must be a non-empty list of {{role, content}}")
    out = []
    for i, msg in enumerate(raw):
        if not isinstance(msg, dict) or not isinstance(msg.get("content"), str):
            raise SuiteError(
                f"{where}: messages[{i}] needs a 'role' and a string 'content'"
            )
        if "\0" in msg["content"]:
            raise SuiteError(f"{where}: messages[{i}].content holds a NUL character")
        role = msg.get("role")
        if not isinstance(role, str) or role not in ("system", "user", "assistant"):
            shown = repr(role)[:100]
            raise SuiteError(
                f"{where}: messages[{i}].role {shown} is not system/user/assistant"
            )
        out.append(Message(role, msg["content"]))
    if out[-1].role != "user":
        raise SuiteError(f"{where}: the last message must be from the user")
    return tuple(out)


# name -> (columns that identify it, reader); checked in this order by detect_format.
FORMATS: dict[str, tuple[frozenset[str], Reader]] = {
    "xstest": (frozenset({"id", "prompt", "type", "label"}), read_xstest),
    "harmbench": (frozenset({"Behavior", "BehaviorID"}), read_harmbench),
    "jailbreakbench": (frozenset({"Goal", "Target", "Behavior", "Category"}), read_jailbreakbench),
    "strongreject": (frozenset({"forbidden_prompt"}), read_strongreject),
}
GENERIC_FORMATS = ("csv", "jsonl")


def detect_format(columns: Sequence[str]) -> str:
    """The public format whose identifying columns are all present, else ``"generic"``."""
    present = set(columns)
    for name, (required, _) in FORMATS.items():
        if required <= present:
            return name
    return "generic"


def reader_for(fmt: str, columns: Sequence[str], opts: ReadOptions) -> Reader:
    """The reader for an explicit format name, checking that its columns are there."""
    if fmt in GENERIC_FORMATS or fmt == "generic":
        return read_generic
    required, reader = FORMATS[fmt]
    missing = sorted(required - set(columns))
    if missing:
        raise SuiteError(
            f"{opts.path}: format {fmt!r} needs column(s) {missing}; the file has {list(columns)}"
        )
    return reader
