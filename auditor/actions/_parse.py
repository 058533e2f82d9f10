"""Tool calls parsed from model text, in the formats open-weight models emit.

Formats read (several calls per answer in each):

- Hermes / Qwen: ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>`` (an unclosed
  last block, cut by the token limit, is read to the end of the text);
- Llama 3.x: ``<|python_tag|>{"name": ..., "parameters": {...}}`` (calls separated by ``;``)
  and the bare JSON object the 3.1-3.3 templates ask for;
- Mistral: ``[TOOL_CALLS] [{"name": ..., "arguments": {...}}, ...]`` and the newer
  ``[TOOL_CALLS]name[ARGS]{...}``;
- a bare JSON object (or list of them) naming a function anywhere in the text, also inside a
  Markdown code fence: ``{"name"|"function": ..., "arguments"|"parameters": ...}``, including
  the OpenAI shape ``{"function": {"name": ..., "arguments": "<JSON text>"}}``.

A call that is marked as one (inside ``<tool_call>``, after ``[TOOL_CALLS]`` or
``<|python_tag|>``, or a JSON object opening with a ``"name"`` key) but is not valid JSON is
kept as ``ToolCall(name, "<raw text>", parse_error)``, with the name when it can be read.
:func:`calls_from_openai` reads the structured ``tool_calls`` of an OpenAI-compatible answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

from auditor.actions._calls import MAX_NAME, ToolCall

MAX_TEXT = 65536  # characters of an answer searched for calls
MAX_CALLS = 64
MAX_RAW = 2000  # characters of an unparseable call kept

_HERMES = re.compile(r"<tool_call>(.*?)(?:</tool_call>|\Z)", re.DOTALL)
_PYTHON_TAG = "<|python_tag|>"
_MISTRAL = "[TOOL_CALLS]"
_MISTRAL_ARGS = re.compile(r"\s*([A-Za-z0-9_.-]{1,64})\[ARGS\]")
_NAME_IN_RAW = re.compile(r'"(?:name|function)"\s*:\s*"([^"\\]{1,200})"')
_CALL_START = re.compile(r'\{\s*"(?:name|function)"\s*:')
_DECODER = json.JSONDecoder()


def parse_tool_calls(text: str) -> tuple[ToolCall, ...]:
    """Every tool call in ``text``, in order; ``()`` when there is none."""
    text = text[:MAX_TEXT]
    if "<tool_call>" in text:
        calls = [_from_block(m.group(1)) for m in _HERMES.finditer(text)]
    elif _PYTHON_TAG in text:
        calls = _from_python_tag(text.split(_PYTHON_TAG, 1)[1])
    elif _MISTRAL in text:
        calls = _from_mistral(text.split(_MISTRAL, 1)[1])
    else:
        calls = _bare_calls(text)
    return tuple(calls[:MAX_CALLS])


def _from_block(block: str) -> ToolCall:
    """One ``<tool_call>`` body: a JSON object, or an unparseable call."""
    value, error = _decode(block.strip())
    if error:
        return _unparseable(block, error)
    call = _as_call(value)
    return call or _unparseable(block, "not a call object with a 'name'")


def _from_python_tag(rest: str) -> list[ToolCall]:
    calls: list[ToolCall] = []
    for part in _split_json_sequence(rest):
        value, error = _decode(part)
        call = None if error else _as_call(value)
        calls.append(call or _unparseable(part, error or "not a JSON call object"))
    return calls


def _from_mistral(rest: str) -> list[ToolCall]:
    rest = rest.strip()
    if _MISTRAL_ARGS.match(rest):  # [TOOL_CALLS]name[ARGS]{...}[TOOL_CALLS]name2[ARGS]{...}
        calls = []
        for chunk in rest.split(_MISTRAL):
            match = _MISTRAL_ARGS.match(chunk)
            if match is None:
                calls.append(_unparseable(chunk, "expected name[ARGS]{...}"))
                continue
            raw_args = chunk[match.end():].strip()
            value, error = _decode_prefix(raw_args)
            if error or not isinstance(value, dict):
                calls.append(ToolCall(match.group(1), raw_args[:MAX_RAW],
                                      error or "arguments are not a JSON object"))
            else:
                calls.append(ToolCall(match.group(1), value))
        return calls
    value, error = _decode_prefix(rest)
    if error:
        return [_unparseable(rest, error)]
    entries = value if isinstance(value, list) else [value]
    return [_as_call(v) or _unparseable(json.dumps(v), "not a call object") for v in entries]


def _bare_calls(text: str) -> list[ToolCall]:
    """JSON objects (or lists of them) naming a function, anywhere in free text."""
    calls: list[ToolCall] = []
    index = 0
    while len(calls) < MAX_CALLS:
        start = _next_json_start(text, index)
        if start < 0:
            break
        try:
            value, end = _DECODER.raw_decode(text, start)
        except (ValueError, RecursionError) as exc:
            if _CALL_START.match(text, start):
                raw = text[start:].split("\n\n", 1)[0]
                calls.append(_unparseable(raw, _message(exc)))
                index = start + len(raw)
            else:
                index = start + 1
            continue
        entries = value if isinstance(value, list) else [value]
        calls.extend(c for c in (_as_call(v) for v in entries) if c is not None)
        index = end
    return calls


def _next_json_start(text: str, index: int) -> int:
    positions = [p for p in (text.find("{", index), text.find("[{", index)) if p >= 0]
    return min(positions) if positions else -1


def _as_call(value: Any) -> ToolCall | None:
    """A call from one decoded object, or ``None`` when it does not name a function."""
    if not isinstance(value, dict):
        return None
    inner = value.get("function")
    if isinstance(inner, dict):  # OpenAI shape: {"type": "function", "function": {...}}
        value = inner
        name = value.get("name")
    else:
        name = value.get("name", inner)
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        return None
    keys = [k for k in ("arguments", "parameters", "args") if k in value]
    if not keys:
        # {"name": ...} alone is too common in ordinary JSON to count, unless it is all there is
        return ToolCall(name.strip(), {}) if set(value) <= {"name", "type"} else None
    arguments = value[keys[0]]
    if isinstance(arguments, str):  # OpenAI sends the arguments as JSON text
        decoded, error = _decode(arguments) if arguments.strip() else ({}, "")
        if error or not isinstance(decoded, dict):
            return ToolCall(name.strip(), arguments[:MAX_RAW],
                            error or "arguments are not a JSON object")
        arguments = decoded
    if not isinstance(arguments, dict):
        return ToolCall(name.strip(), json.dumps(arguments)[:MAX_RAW],
                        "arguments are not a JSON object")
    return ToolCall(name.strip(), arguments)


def _unparseable(raw: str, error: str) -> ToolCall:
    match = _NAME_IN_RAW.search(raw)
    return ToolCall(match.group(1) if match else "", raw.strip()[:MAX_RAW], error)


def _decode(text: str) -> tuple[Any, str]:
    """``(value, "")`` for a whole JSON document, else ``(None, error)``."""
    try:
        return json.loads(_unfence(text)), ""
    except (ValueError, RecursionError) as exc:
        return None, _message(exc)


def _decode_prefix(text: str) -> tuple[Any, str]:
    """The JSON value at the start of ``text`` (what follows it is ignored)."""
    try:
        value, _ = _DECODER.raw_decode(text.lstrip())
        return value, ""
    except (ValueError, RecursionError) as exc:
        return None, _message(exc)


def _split_json_sequence(rest: str) -> list[str]:
    """Llama's ``{...}; {...}`` after ``<|python_tag|>``: each value's text."""
    parts: list[str] = []
    rest = rest.strip()
    while rest and len(parts) < MAX_CALLS:
        try:
            _, end = _DECODER.raw_decode(rest)
        except (ValueError, RecursionError):
            parts.append(rest)
            break
        parts.append(rest[:end])
        rest = rest[end:].lstrip().lstrip(";").strip()
    return parts


def _unfence(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _message(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON ({exc.msg} at character {exc.pos})"
    if isinstance(exc, RecursionError):
        return "invalid JSON (nested too deeply)"
    return f"invalid JSON ({exc})"


def calls_from_openai(tool_calls: object) -> tuple[ToolCall, ...]:
    """The ``message.tool_calls`` of an OpenAI-compatible answer (``{"function": {"name",
    "arguments": "<JSON text>"}}`` each); an entry that is not a call is kept as unparseable."""
    if not isinstance(tool_calls, list):
        return ()
    calls = []
    for entry in tool_calls[:MAX_CALLS]:
        call = _as_call(entry)
        if call is None:
            raw = json.dumps(entry, ensure_ascii=False, default=str)
            call = _unparseable(raw, "not a function call")
        calls.append(call)
    return tuple(calls)
