"""JSON serialisation of the report model: the JSON file is the model, field for field.

Both directions are driven by the dataclasses' type hints, so a field added to the model is
serialised and loaded without hand-written ``as_dict`` code. Loading is strict validation by
pydantic (:mod:`reports._validate`): a report.json may come from anywhere, and a malformed one
is a one-line :class:`ReportError`, never a traceback or a page drawn from impossible numbers.
A file whose ``schema_version`` is not one this version reads is rejected with a clear error.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from auditor.errors import ReportError
from auditor.jsonio import dumps, to_jsonable
from auditor.safeio import FileKind, decode_text, read_bytes
from reports._model import SCHEMA_VERSION, Report
from reports._validate import REPORT, shown, validate_json

SUPPORTED_VERSIONS = (1, SCHEMA_VERSION)  # version 1 files load with the new fields empty


def to_dict(obj: Any) -> Any:
    """The JSON-ready form of a model object: dataclasses as objects, tuples as lists; a
    non-finite number is a :class:`ReportError` (the model says unknown with ``None``)."""
    return to_jsonable(obj, non_finite=ReportError)


def to_json(report: Report, *, indent: int | None = 2) -> str:
    """Serialise a report (UTF-8 text, keys in model order)."""
    return dumps(report, ensure_ascii=False, indent=indent, non_finite=ReportError)


def from_json(text: str, *, source: str = "report JSON") -> Report:
    """Load a report from its JSON text; rejects unknown schema versions and malformed files.

    The text is untrusted (a hand-edited file): it is validated strictly against the model
    (:mod:`reports._validate`), and every problem is a :class:`ReportError` whose one-line
    message starts with ``source`` and names the JSON path of the bad field.
    """
    header = validate_json(_Header, text, source=source, error=ReportError)
    version = header.schema_version
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        raise ReportError(
            f"{source}: report schema_version {shown(version)} is not supported by this version "
            f"of auditor (it reads {', '.join(map(str, SUPPORTED_VERSIONS))}); upgrade auditor "
            "or regenerate the report with `auditor report`"
        )
    return validate_json(Report, text, source=source, error=ReportError)


def load_report(path: str | Path) -> Report:
    """Read ``report.json`` from disk (size-capped, UTF-8, validated as :func:`from_json`)."""
    return load_report_bytes(path)[1]


def load_report_bytes(path: str | Path, kind: FileKind = REPORT) -> tuple[bytes, Report]:
    """``report.json``'s bytes and the report validated from exactly those bytes, read once:
    for callers that name the file's digest (a BOM, an attestation), so a file swapped between
    two reads cannot be described under the other's digest. ``kind``: the size cap."""
    data = read_bytes(path, kind, error=ReportError)
    text = decode_text(data, path, error=ReportError)
    return data, from_json(text, source=str(path))


@dataclasses.dataclass(frozen=True, slots=True)
class _Header:
    """The version is read (and checked) before the rest: a v2 file gets one clear message."""

    schema_version: Any = None
