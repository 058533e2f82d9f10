"""Fuzzing the TOML boundaries: any audit config or scan file gives a clear one-line
:class:`AuditorError` or a valid, correctly typed config, never a traceback or a truthy string.

Documents are generated from the real option names (with ``-`` variants and typos) and values
of every TOML type (huge and negative integers, inf/nan, strings with control characters,
dates, arrays, inline tables), then some are damaged at the byte level. Derandomized and
bounded: a few seconds.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.audit import AuditConfig, SelectionPolicy, load_config_file, load_scan_config
from auditor.audit._schema import AUDIT_OPTION_NAMES, SELECTION_FIELDS
from auditor.errors import AuditorError

_SETTINGS = settings(max_examples=250, derandomize=True, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])

# --- a small TOML writer for generated values ---------------------------------------------------


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) \
            else repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # JSON string escapes are TOML basic-string escapes
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def _table(header: str, body: dict[str, Any]) -> str:
    lines = [header] if header else []
    lines += [f"{json.dumps(k)} = {_value(v)}" for k, v in body.items()]
    return "\n".join(lines) + "\n"


_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2, 64, 2**31, 2**32, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["true", "false", "0", "1", "harm", "smoke", "finetune", "quantized",
                     "degraded", "inconclusive", "org/base", "../x", "a\x00b", "\x1b[2J"]),
    st.text(max_size=12),
    st.dates(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)
_names = st.one_of(
    st.sampled_from(AUDIT_OPTION_NAMES),
    st.sampled_from(AUDIT_OPTION_NAMES),
    st.sampled_from(AUDIT_OPTION_NAMES).map(lambda n: n.replace("_", "-")),
    st.sampled_from(sorted(SELECTION_FIELDS)),
    st.text(min_size=1, max_size=10),
)
_few_texts = st.lists(st.text(st.characters(codec="ascii", categories=["L", "N"]),
                              min_size=1, max_size=6), max_size=3)
# Well-typed values, written from the README and the CLI's options (not from the schema), so
# that the fuzzer also reaches valid configs and checks what they become.
_TYPED: dict[str, st.SearchStrategy[Any]] = {
    "root": st.sampled_from(["org/base", "google/gemma-3-270m"]),
    "lineage": st.just("family.json"), "store": st.just("runs/a.db"), "out": st.just("rep"),
    "local": _few_texts, "include": _few_texts, "exclude": _few_texts,
    "suites": st.lists(st.sampled_from(["harm", "smoke", "benign-twins"]), min_size=1,
                       max_size=2, unique=True),
    "quant_types": st.lists(st.sampled_from(["Q4_K_M", "Q8_0"]), max_size=2),
    "relations": st.lists(st.sampled_from(["finetune", "quantized", "adapter", "merge"]),
                          max_size=2),
    "depth": st.integers(0, 5), "max_nodes": st.integers(1, 100), "limit": st.integers(1, 9),
    "min_downloads": st.integers(0, 10), "top_n_per_relation": st.integers(0, 3),
    "max_new_tokens": st.integers(1, 512), "seed": st.integers(0, 99),
    "samples": st.integers(1, 3), "threads": st.integers(1, 8),
    "n_gpu_layers": st.integers(-1, 10), "batch_size": st.integers(1, 16),
    "temperature": st.floats(0, 2), "memory_limit_gb": st.floats(0.5, 64),
    "margin": st.floats(0.01, 0.5), "alpha": st.floats(0.01, 0.2),
    "refresh": st.booleans(), "trust_remote_code": st.booleans(),
    "allow_pickle": st.booleans(), "early_stop": st.booleans(), "all_quants": st.booleans(),
    "backend": st.sampled_from(["auto", "openai"]), "device": st.just("cpu"),
    "dtype": st.just("auto"), "chat_template": st.sampled_from(["auto", "none"]),
    "judge": st.just("heuristic"), "fail_on": st.sampled_from(["degraded", "inconclusive"]),
    "overrides": st.dictionaries(st.sampled_from(["org/a", "b"]),
                                 st.just("openai:http://127.0.0.1:1/v1#m"), max_size=2),
    "suite_limits": st.dictionaries(st.just("harm"), st.integers(1, 5), max_size=1),
}


@st.composite
def _option_tables(draw: st.DrawFn, max_size: int = 6, wild: int = 3) -> dict[str, Any]:
    """Up to ``max_size`` options; ``wild`` in 10 of them have an arbitrary value."""
    table: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, max_size))):
        key = draw(_names)
        typed = _TYPED.get(key.replace("-", "_"))
        table[key] = draw(typed if typed is not None and draw(st.integers(0, 9)) >= wild
                          else _values)
    return table




@st.composite
def _audit_documents(draw: st.DrawFn) -> str:
    body = draw(_option_tables(wild=2))
    if draw(st.integers(0, 9)) < 7:
        body.setdefault("root", "org/base")
    header = draw(st.sampled_from(["", "[audit]"]))
    text = _table(header, body)
    if draw(st.booleans()):
        prefix = "audit." if header else ""
        sub = draw(st.sampled_from(["selection", "overrides", "suite_limits"]))
        text += _table(f"[{prefix}{sub}]", draw(_option_tables(max_size=3)))
    return text


@st.composite
def _scan_documents(draw: st.DrawFn) -> str:
    scan_values = st.one_of(st.sampled_from(["scans", "s/audit.db", "..", ""]), _values)
    text = _table("[scan]", draw(st.dictionaries(
        st.sampled_from(["out", "store", "out", "store", "outs"]), scan_values, max_size=2)))
    text += _table("[defaults]", draw(_option_tables(max_size=3, wild=1)))
    for number in range(draw(st.sampled_from([0, 1, 1, 2, 3]))):
        family = draw(_option_tables(max_size=3, wild=1))
        if draw(st.integers(0, 9)) < 8:
            family.setdefault("root", f"org/f{number}")
        if draw(st.booleans()):
            family["name"] = draw(st.one_of(st.text(max_size=8), _values))
        text += _table("[[family]]", family)
    return text


def _damaged(text: str, data: st.DataObject) -> bytes:
    raw = text.encode("utf-8")
    how = data.draw(st.sampled_from(["keep", "keep", "truncate", "insert", "flip"]))
    if how == "keep" or not raw:
        return raw
    at = data.draw(st.integers(0, len(raw) - 1))
    if how == "truncate":
        return raw[:at]
    if how == "insert":
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw[:at] + bytes([raw[at] ^ data.draw(st.integers(1, 255))]) + raw[at + 1:]


# --- what a valid config must look like ---------------------------------------------------------


def _check_type(value: Any, hint: Any, where: str) -> None:
    origin = get_origin(hint)
    if origin in (Union, UnionType):
        options = get_args(hint)
        if value is None:
            assert NoneType in options, where
            return
        hint = next(o for o in options if o is not NoneType)
        origin = get_origin(hint)
    if hint is bool:
        assert type(value) is bool, f"{where}: {value!r} is not a bool"
    elif hint is int:
        assert type(value) is int, f"{where}: {value!r} is not an int"
    elif hint is float:
        assert type(value) in (int, float) and math.isfinite(value), f"{where}: {value!r}"
    elif hint is str:
        assert type(value) is str and "\x00" not in value, f"{where}: {value!r}"
    elif hint is Path:
        assert isinstance(value, Path) and "\x00" not in str(value), f"{where}: {value!r}"
    elif origin is tuple:
        assert type(value) is tuple, f"{where}: {value!r} is not a tuple"
        args = get_args(hint)
        for i, item in enumerate(value):
            _check_type(item, args[0] if args[-1] is Ellipsis else args[i], f"{where}[{i}]")
    elif isinstance(hint, type) and is_dataclass(hint):
        _check_record(value, hint, where)
    else:
        raise AssertionError(f"{where}: no check for {hint!r}")


def _check_record(record: Any, cls: type, where: str) -> None:
    assert type(record) is cls, where
    hints = get_type_hints(cls)
    for f in fields(cls):
        _check_type(getattr(record, f.name), hints[f.name], f"{where}.{f.name}")


def _check_error(exc: AuditorError, path: Path) -> None:
    message = str(exc)
    assert message and "\n" not in message, message
    assert str(path) in message, message


@_SETTINGS
@given(doc=_audit_documents(), data=st.data())
def test_an_audit_config_is_a_clear_error_or_a_valid_config(
    tmp_path: Path, doc: str, data: st.DataObject
) -> None:
    path = tmp_path / "audit.toml"
    path.write_bytes(_damaged(doc, data))
    try:
        config = load_config_file(path)
    except AuditorError as exc:
        _check_error(exc, path)
        return
    _check_record(config, AuditConfig, "config")
    _check_record(config.selection, SelectionPolicy, "selection")
    try:
        config.validate()
    except AuditorError as exc:
        assert "\n" not in str(exc)


@_SETTINGS
@given(doc=_scan_documents(), data=st.data())
def test_a_scan_file_is_a_clear_error_or_a_valid_scan(
    tmp_path: Path, doc: str, data: st.DataObject
) -> None:
    path = tmp_path / "scan.toml"
    path.write_bytes(_damaged(doc, data))
    try:
        scan = load_scan_config(path)
    except AuditorError as exc:
        _check_error(exc, path)
        return
    assert scan.families
    for family in scan.families:
        _check_record(family.config, AuditConfig, family.name)
        assert family.config.validate() is family.config


def test_the_fuzzer_reaches_valid_configs(tmp_path: Path) -> None:
    """A fuzzer that only ever met errors would prove little: the writer round-trips."""
    path = tmp_path / "audit.toml"
    path.write_text(_table("[audit]", {"root": "org/base", "trust-remote-code": False,
                                       "suites": ["harm"], "margin": 0.05, "seed": 7,
                                       "suite_limits": {"harm": 3}}), encoding="utf-8")
    config = load_config_file(path)
    assert config.validate().limit_for("harm") == 3 and not config.backend_options.trust_remote_code
