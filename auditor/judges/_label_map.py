"""Human labels named in a dataset's own words, mapped to ours (``--label-map raw=ours,...``).

The stance labels (:class:`Verdict`) and the harm labels (:class:`Harm`) are parsed and looked
up the same way; only the enum and the words of the error messages differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

from auditor.errors import InputError

L = TypeVar("L", bound=Enum)


def parse_label_spec(spec: str, kind: type[L], *, target: str, noun: str, example: str
                     ) -> dict[str, L]:
    """Parse ``'raw=target,...'`` into a mapping onto the names of ``kind``.

    ``target`` names the right-hand side in the error for a malformed entry (``verdict``),
    ``noun`` what a target must be (``a verdict``), ``example`` the right-hand side shown
    when the spec is empty.
    """
    mapping: dict[str, L] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        raw, sep, name = part.rpartition("=")
        if not sep or not raw.strip():
            raise InputError(f"label map entry {part!r} is not of the form raw={target}")
        try:
            mapping[raw.strip()] = kind(name.strip().lower())
        except ValueError:
            known = ", ".join(member.value for member in kind)
            raise InputError(
                f"label map entry {part!r}: {name.strip()!r} is not {noun} ({known})"
            ) from None
    if not mapping:
        raise InputError(f"the label map is empty; give it as 'raw={example},...'")
    return mapping


def lookup_label(raw: str, label_map: Mapping[str, L] | None, kind: type[L], *, noun: str) -> L:
    """A raw label as a member of ``kind``: through the map, else the member's own name."""
    key = raw.strip()
    if label_map is not None and key in label_map:
        return label_map[key]
    try:
        return kind(key.lower())
    except ValueError:
        hint = " (add it to --label-map)" if label_map is not None else " (give --label-map)"
        raise InputError(f"label {raw!r} is not {noun}{hint}") from None
