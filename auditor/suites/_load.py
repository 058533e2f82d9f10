"""``load_suite``: a built-in name, a local file in any supported format, or a Hub dataset."""

from __future__ import annotations

import hashlib
import json
import logging
from importlib import resources
from itertools import zip_longest
from pathlib import Path

from auditor.errors import SuiteError
from auditor.safeio import path_exists
from auditor.suites._formats import (
    FORMATS,
    GENERIC_FORMATS,
    Columns,
    ReadOptions,
    detect_format,
    reader_for,
)
from auditor.suites._hub import fetch_dataset_file, parse_hub_ref
from auditor.suites._item import Expected, Item
from auditor.suites._native import is_native_header, parse_native
from auditor.suites._rows import TABULAR_SUFFIXES, decode, read_data, read_rows, slug
from auditor.suites._suite import Suite, SuiteInfo

log = logging.getLogger(__name__)

BUILTIN_NAMES = ("smoke", "harm", "benign-twins", "rule-defeat", "framing", "pressure", "agentic")
FORMAT_NAMES = ("auditor", *FORMATS, *GENERIC_FORMATS)


def load_suite(
    name_or_path: str | Path,
    *,
    format: str | None = None,
    limit: int | None = None,
    columns: Columns | None = None,
    expected: str | Expected | None = None,
    cache_dir: Path | None = None,
) -> Suite:
    """Load a suite: a built-in name (see :func:`builtin_suites`), a file path, or a Hub
    dataset (``hf:ORG/NAME[@REV][:FILE]``).

    ``format`` forces a reader (``auditor``, ``xstest``, ``harmbench``, ``jailbreakbench``,
    ``strongreject``, ``csv``, ``jsonl``); by default it is detected from the columns.
    ``columns`` and ``expected`` serve generic files (and JailbreakBench splits).
    ``limit`` keeps N items taken round-robin across (category, expected) groups, alternating
    refuse and comply groups, so a small limit still spans categories and both labels; the kept
    items stay in file order. ``cache_dir`` is where Hub datasets are
    downloaded (default: the Hugging Face cache).
    """
    if format is not None and format not in FORMAT_NAMES:
        raise SuiteError(f"unknown suite format {format!r}; choose one of {list(FORMAT_NAMES)}")
    if limit is not None and limit < 1:
        raise SuiteError(f"limit must be a positive number of items, got {limit}")
    exp = _expected(expected)
    ref = str(name_or_path)
    if isinstance(name_or_path, str) and ref in BUILTIN_NAMES:
        suite = _load_builtin(ref)
    elif path_exists(ref):
        suite = load_file(Path(ref), format=format, columns=columns, expected=exp)
    else:
        suite = _load_remote_or_fail(
            ref, format=format, columns=columns, expected=exp, cache_dir=cache_dir
        )
    return apply_limit(suite, limit)


def _expected(value: str | Expected | None) -> Expected | None:
    if value is None or isinstance(value, Expected):
        return value
    if value not in ("refuse", "comply"):
        raise SuiteError(f"expected must be 'refuse' or 'comply', got {value!r}")
    return Expected(value)


def _load_remote_or_fail(
    ref: str,
    *,
    format: str | None,
    columns: Columns | None,
    expected: Expected | None,
    cache_dir: Path | None,
) -> Suite:
    hub = parse_hub_ref(ref)
    looks_like_file = Path(ref).suffix.lower() in (*TABULAR_SUFFIXES, ".yaml", ".yml")
    if hub is not None and (ref.startswith("hf:") or hub.file is not None or not looks_like_file):
        fetched = fetch_dataset_file(hub, cache_dir=cache_dir)
        suite = load_file(fetched.path, format=format, columns=columns, expected=expected)
        version = f"{fetched.revision[:12]}" if suite.format != "auditor" else suite.version
        name = suite.name if suite.format == "auditor" else slug(Path(fetched.file).stem)
        return Suite(name, version, suite.description, suite.items, fetched.source, suite.format)
    shown = ref if len(ref) <= 200 and ref.isprintable() else f"{ref[:200]!r}..."
    if looks_like_file or "/" in ref or "\\" in ref:
        raise SuiteError(f"suite file {shown} does not exist")
    raise SuiteError(
        f"unknown suite {shown!r}: built-in suites are {', '.join(BUILTIN_NAMES)}; "
        "or give a path to a .jsonl/.csv file, or hf:ORG/NAME for a Hub dataset"
    )


def load_file(
    path: Path,
    *,
    format: str | None = None,
    columns: Columns | None = None,
    expected: Expected | None = None,
) -> Suite:
    """Load a local suite file in the native format or any supported public format."""
    if path.is_dir():
        raise SuiteError(f"{path} is a folder; give the suite file inside it")
    suffix = path.suffix.lower()
    if suffix not in TABULAR_SUFFIXES:
        raise SuiteError(
            f"{path}: unsupported file type {suffix or '(none)'}; "
            f"suites are read from {', '.join(TABULAR_SUFFIXES)}"
        )
    data = read_data(path)
    text = None if suffix == ".parquet" else decode(data, path)
    if text is not None and (format == "auditor" or (format is None and _native_first(text))):
        if columns is not None or expected is not None:
            raise SuiteError(f"{path}: suite files carry their own labels and fields; "
                             "drop the column/expected options")
        return parse_native(text, path=str(path))
    if format == "auditor":
        raise SuiteError(f"{path}: the auditor suite format is JSONL with a header line")
    file_columns, rows = read_rows(path, text, data)
    if not rows:
        raise SuiteError(f"{path}: the file has no rows")
    fmt = format or detect_format(file_columns)
    if fmt in ("generic", *GENERIC_FORMATS):  # named after the file type it was read from
        fmt = "csv" if suffix in (".csv", ".tsv") else "jsonl"
    digest = hashlib.sha256(data).hexdigest()
    opts = ReadOptions(path, slug(path.stem, default="suite"), columns or Columns(), expected)
    items = reader_for(fmt, file_columns, opts)(file_columns, rows, opts)
    _check_unique(items, path)
    log.info("%s: read %d items as %s", path, len(items), fmt)
    description = f"{len(items)} items imported from {path.name} ({fmt} format)"
    return Suite(opts.suite, f"sha256:{digest[:12]}", description, tuple(items), str(path), fmt)


def _native_first(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return is_native_header(json.loads(first))
    except (ValueError, RecursionError):  # not JSON, or hostile JSON: the row reader says so
        return False


def _check_unique(items: list[Item], path: Path) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise SuiteError(f"{path}: duplicate item id {item.id!r}; give an id column "
                             "with unique values (--id-column)")
        seen.add(item.id)


def apply_limit(suite: Suite, limit: int | None) -> Suite:
    """``limit`` items taken round-robin across (category, expected) groups (all when None).

    Groups are visited alternating between refuse and comply groups, each in order of first
    appearance, so ``limit=8`` on a mixed suite gives four of each where it can.
    """
    if limit is None or limit >= len(suite.items):
        return suite
    groups: dict[tuple[str, Expected], list[Item]] = {}
    for item in suite.items:
        groups.setdefault((item.category, item.expected), []).append(item)
    by_label = [[q for (_, exp), q in groups.items() if exp is label] for label in Expected]
    queues = [q for pair in zip_longest(*by_label) for q in pair if q is not None]
    chosen: list[Item] = []
    depth = 0
    while len(chosen) < limit:
        for queue in queues:
            if depth < len(queue) and len(chosen) < limit:
                chosen.append(queue[depth])
        depth += 1
    keep = {item.id for item in chosen}
    items = tuple(item for item in suite.items if item.id in keep)
    return Suite(suite.name, suite.version, suite.description, items, suite.source, suite.format)


def _load_builtin(name: str) -> Suite:
    resource = resources.files("auditor.suites") / "data" / f"{name}.jsonl"
    text = resource.read_text(encoding="utf-8")
    suite = parse_native(text, path=f"auditor/suites/data/{name}.jsonl", source=f"builtin:{name}")
    if suite.name != name:
        raise SuiteError(f"built-in suite file {name}.jsonl declares suite {suite.name!r}")
    return suite


def builtin_suites() -> list[SuiteInfo]:
    """Name, version, item count, categories and description of every built-in suite."""
    return [_load_builtin(name).info() for name in BUILTIN_NAMES]
