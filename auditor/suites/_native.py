"""The project's own suite format: JSONL, a header line then one item per line.

Header (first non-blank line)::

    {"schema_version": 1, "suite": "harm", "version": "1.0.0", "description": "..."}

Item lines::

    {"id": "weapons-01", "category": "weapons", "expected": "refuse", "prompt": "...",
     "tags": ["direct"]}
    {"id": "x", "category": "c", "expected": "comply",
     "messages": [{"role": "system", "content": "..."}, {"role": "user", "content": "..."}]}
    {"id": "y", "category": "c", "expected": "refuse", "prompt": "core request",
     "framings": {"evaluation": "...", "deployment": [{"role": "user", "content": "..."}]}}
    {"id": "z", "category": "c", "expected": "refuse", "prompt": "first request",
     "pressure": [{"tactic": "insist", "prompt": "..."}], "rationale": "why it is here"}
    {"id": "a", "category": "c", "expected": "refuse", "prompt": "...",
     "tools": [{"type": "function", "function": {...}}], "harmful_action": {"tool": "..."}}

Validation is strict: unknown keys, wrong types, duplicate ids and malformed messages are
errors that name the file and line. See docs/SUITES.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from auditor.errors import SuiteError
from auditor.outputs import atomic_write_text
from auditor.safeio import parse_json
from auditor.suites._agentic import AGENTIC_KEYS, TOOLS_DEPTH, agentic_record, parse_agentic
from auditor.suites._item import MAX_PRESSURE_TURNS, Expected, Item, Message, PressureTurn, Tactic
from auditor.suites._rows import ROW_DEPTH
from auditor.suites._suite import SCHEMA_VERSION, Suite

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,199}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ROLES = ("system", "user", "assistant")
HEADER_KEYS = {"schema_version", "suite", "version", "description"}
ITEM_KEYS = {"id", "category", "expected", "prompt", "system", "messages", "framings", "tags",
             "pressure", "rationale", *AGENTIC_KEYS}
TACTICS = tuple(str(t) for t in Tactic)


def is_native_header(record: object) -> bool:
    """True when a parsed first line looks like our header (it carries ``schema_version``)."""
    return isinstance(record, dict) and "schema_version" in record


class _Where:
    """File and line, for error messages."""

    __slots__ = ("path", "line")

    def __init__(self, path: str, line: int) -> None:
        self.path, self.line = path, line

    def error(self, message: str) -> SuiteError:
        return SuiteError(f"{self.path}:{self.line}: {message}")


def parse_native(text: str, *, path: str, source: str = "") -> Suite:
    """Parse a suite JSONL document. ``path`` is used in error messages."""
    header: dict[str, Any] | None = None
    items: list[Item] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = _Where(path, lineno)
        record = parse_json(line, f"{path}:{lineno}", error=SuiteError,
                            max_depth=ROW_DEPTH + TOOLS_DEPTH)
        if not isinstance(record, dict):
            raise where.error(f"expected a JSON object, got {type(record).__name__}")
        if header is None:
            header = _parse_header(record, where)
            continue
        if "schema_version" in record:
            raise where.error("a second header line; the header must be the first line only")
        item = _parse_item(record, where, suite=str(header["suite"]))
        if item.id in seen:
            raise where.error(f"duplicate id {item.id!r} (first used on line {seen[item.id]})")
        seen[item.id] = lineno
        items.append(item)
    if header is None:
        raise SuiteError(f"{path}: empty suite file (expected a header line and items)")
    if not items:
        raise SuiteError(f"{path}: the suite has a header but no items")
    return Suite(
        name=header["suite"],
        version=header["version"],
        description=header.get("description", ""),
        items=tuple(items),
        source=source or path,
        format="auditor",
    )


def _parse_header(record: dict[str, Any], where: _Where) -> dict[str, Any]:
    if "schema_version" not in record:
        raise where.error(
            'the first line must be the suite header, e.g. {"schema_version": 1, '
            '"suite": "my-suite", "version": "1.0.0"}'
        )
    unknown = sorted(set(record) - HEADER_KEYS)
    if unknown:
        raise where.error(f"unknown header key(s) {unknown}; allowed: {sorted(HEADER_KEYS)}")
    version = record["schema_version"]
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise where.error(
            f"schema_version {version!r} is not supported (this auditor reads {SCHEMA_VERSION})"
        )
    for key in ("suite", "version"):
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            raise where.error(f"header key {key!r} must be a non-empty string")
    if not SLUG_RE.match(record["suite"]):
        raise where.error(
            f"suite name {record['suite']!r} must be a lowercase slug (letters, digits, - and _)"
        )
    if not isinstance(record.get("description", ""), str):
        raise where.error("header key 'description' must be a string")
    return record


def _parse_item(record: dict[str, Any], where: _Where, *, suite: str) -> Item:
    unknown = sorted(set(record) - ITEM_KEYS)
    if unknown:
        raise where.error(f"unknown key(s) {unknown}; allowed: {sorted(ITEM_KEYS)}")
    for key in ("id", "category", "expected"):
        if key not in record:
            raise where.error(f"missing required key {key!r}")
    item_id = record["id"]
    if not isinstance(item_id, str) or not ID_RE.match(item_id):
        raise where.error(
            f"id {item_id!r} must be a string of letters, digits and _.:/+- (at most 200)"
        )
    category = record["category"]
    if not isinstance(category, str) or not SLUG_RE.match(category):
        raise where.error(f"category {category!r} must be a lowercase slug like 'self_harm'")
    expected = record["expected"]
    if expected not in ("refuse", "comply"):
        raise where.error(f"expected must be 'refuse' or 'comply', got {expected!r}")
    messages = _parse_request(record, where)
    try:
        tools, harmful_action = parse_agentic(record, Expected(expected))
    except SuiteError as exc:
        raise where.error(f"item {item_id!r}: {exc}") from None
    return Item(
        id=item_id,
        category=category,
        expected=Expected(expected),
        messages=messages,
        suite=suite,
        framings=_parse_framings(record.get("framings"), where),
        tags=_parse_tags(record.get("tags", []), where),
        pressure=_parse_pressure(record, where),
        rationale=_parse_rationale(record.get("rationale", ""), where),
        tools=tools,
        harmful_action=harmful_action,
    )


def _parse_request(record: dict[str, Any], where: _Where) -> tuple[Message, ...]:
    has_prompt, has_messages = "prompt" in record, "messages" in record
    if has_prompt == has_messages:
        raise where.error("give exactly one of 'prompt' (a string) or 'messages' (a list)")
    if has_messages:
        if "system" in record:
            raise where.error("'system' goes with 'prompt'; put it in 'messages' instead")
        return _parse_messages(record["messages"], where, what="messages")
    prompt = record["prompt"]
    if not isinstance(prompt, str) or not prompt.strip():
        raise where.error("'prompt' must be a non-empty string")
    if "\0" in prompt:
        raise where.error("'prompt' holds a NUL character")
    system = record.get("system")
    if system is None:
        return (Message("user", prompt),)
    if not isinstance(system, str) or not system.strip():
        raise where.error("'system' must be a non-empty string")
    if "\0" in system:
        raise where.error("'system' holds a NUL character")
    return (Message("system", system), Message("user", prompt))


def _parse_messages(raw: object, where: _Where, *, what: str) -> tuple[Message, ...]:
    if isinstance(raw, str):
        if not raw.strip():
            raise where.error(f"{what}: the prompt is empty")
        return (Message("user", raw),)
    if not isinstance(raw, list) or not raw:
        raise where.error(f"{what} must be a non-empty list of {{role, content}} objects")
    out: list[Message] = []
    for i, msg in enumerate(raw):
        if not isinstance(msg, dict) or set(msg) != {"role", "content"}:
            raise where.error(f"{what}[{i}] must be an object with exactly 'role' and 'content'")
        role, content = msg["role"], msg["content"]
        if role not in ROLES:
            raise where.error(f"{what}[{i}].role {role!r} must be one of {list(ROLES)}")
        if role == "system" and i != 0:
            raise where.error(f"{what}[{i}]: a system message may only come first")
        if not isinstance(content, str) or not content.strip():
            raise where.error(f"{what}[{i}].content must be a non-empty string")
        if "\0" in content:
            raise where.error(f"{what}[{i}].content holds a NUL character")
        out.append(Message(role, content))
    if out[-1].role != "user":
        raise where.error(f"{what}: the last message must be from the user")
    return tuple(out)


def _parse_framings(
    raw: object, where: _Where
) -> tuple[tuple[str, tuple[Message, ...]], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        raise where.error("'framings' must be a non-empty object {name: prompt or messages}")
    out = []
    for name, value in raw.items():
        if not SLUG_RE.match(name) or name == "default":
            raise where.error(
                f"framing name {name!r} must be a lowercase slug other than 'default'"
            )
        out.append((name, _parse_messages(value, where, what=f"framings.{name}")))
    return tuple(out)


def _parse_pressure(record: dict[str, Any], where: _Where) -> tuple[PressureTurn, ...]:
    """The scripted follow-up turns: at most five ``{tactic, prompt}`` objects."""
    raw = record.get("pressure")
    if raw is None:
        return ()
    if "framings" in record:
        raise where.error("'pressure' and 'framings' cannot be combined (which framing would "
                          "the follow-up turns continue?)")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_PRESSURE_TURNS:
        raise where.error(f"'pressure' must be a list of 1 to {MAX_PRESSURE_TURNS} "
                          "{tactic, prompt} objects")
    turns = []
    for i, turn in enumerate(raw):
        if not isinstance(turn, dict) or set(turn) != {"tactic", "prompt"}:
            raise where.error(f"pressure[{i}] must be an object with exactly 'tactic' and "
                              "'prompt'")
        tactic, prompt = turn["tactic"], turn["prompt"]
        if tactic not in TACTICS:
            shown = repr(tactic)[:100]
            raise where.error(f"pressure[{i}].tactic {shown} must be one of {list(TACTICS)}")
        if not isinstance(prompt, str) or not prompt.strip():
            raise where.error(f"pressure[{i}].prompt must be a non-empty string")
        if "\0" in prompt:
            raise where.error(f"pressure[{i}].prompt holds a NUL character")
        turns.append(PressureTurn(Tactic(tactic), prompt))
    return tuple(turns)


def _parse_rationale(raw: object, where: _Where) -> str:
    if not isinstance(raw, str):
        raise where.error("'rationale' must be a string")
    if "\0" in raw:
        raise where.error("'rationale' holds a NUL character")
    return raw


def _parse_tags(raw: object, where: _Where) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, str) and SLUG_RE.match(t) for t in raw):
        raise where.error("'tags' must be a list of lowercase slugs")
    return tuple(raw)


def item_to_record(item: Item) -> dict[str, Any]:
    """The JSON object for one item line (the compact ``prompt`` form where it fits)."""
    record: dict[str, Any] = {
        "id": item.id,
        "category": item.category,
        "expected": str(item.expected),
    }
    record.update(_request_record(item.messages))
    if item.framings:
        record["framings"] = {name: _messages_value(msgs) for name, msgs in item.framings}
    if item.tags:
        record["tags"] = list(item.tags)
    if item.pressure:
        record["pressure"] = [{"tactic": str(t.tactic), "prompt": t.prompt}
                              for t in item.pressure]
    if item.rationale:
        record["rationale"] = item.rationale
    record.update(agentic_record(item))
    return record


def _request_record(messages: tuple[Message, ...]) -> dict[str, Any]:
    roles = [m.role for m in messages]
    if roles == ["user"]:
        return {"prompt": messages[0].content}
    if roles == ["system", "user"]:
        return {"system": messages[0].content, "prompt": messages[1].content}
    return {"messages": [{"role": m.role, "content": m.content} for m in messages]}


def _messages_value(messages: tuple[Message, ...]) -> str | list[dict[str, str]]:
    if len(messages) == 1 and messages[0].role == "user":
        return messages[0].content
    return [{"role": m.role, "content": m.content} for m in messages]


def dump_native(suite: Suite, out: TextIO | Path | str) -> None:
    """Write ``suite`` in the native JSONL format (header line, then one item per line)."""
    lines = _native_lines(suite)
    if isinstance(out, (str, Path)):
        atomic_write_text(out, "".join(lines))
    else:
        out.writelines(lines)


def _native_lines(suite: Suite) -> Iterable[str]:
    header = {
        "schema_version": SCHEMA_VERSION,
        "suite": suite.name,
        "version": suite.version,
        "description": suite.description,
    }
    yield json.dumps(header, ensure_ascii=False) + "\n"
    for item in suite.items:
        yield json.dumps(item_to_record(item), ensure_ascii=False) + "\n"
