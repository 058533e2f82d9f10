"""Suites: the items every model is evaluated on.

Built-in suites ship as package data (``auditor/suites/data/*.jsonl``, the native format described
in docs/SUITES.md); public benchmark files (HarmBench, JailbreakBench, StrongREJECT, XSTest),
generic CSV/JSONL and Hub datasets load onto the same :class:`Item` records. ``harm`` and
``benign-twins`` ship translations (``data/lang/<code>/``) read by :func:`load_translations`.
"""

from __future__ import annotations

from auditor.suites._formats import Columns
from auditor.suites._item import MAX_PRESSURE_TURNS, Expected, Item, Message, PressureTurn, Tactic
from auditor.suites._load import BUILTIN_NAMES, FORMAT_NAMES, builtin_suites, load_suite
from auditor.suites._native import dump_native, item_to_record
from auditor.suites._suite import SCHEMA_VERSION, Suite, SuiteInfo, item_set_hash, suite_hash
from auditor.suites._translations import (
    TRANSLATED_SUITES,
    Translations,
    available_languages,
    load_translations,
)

__all__ = [
    "BUILTIN_NAMES",
    "FORMAT_NAMES",
    "MAX_PRESSURE_TURNS",
    "SCHEMA_VERSION",
    "Columns",
    "Expected",
    "Item",
    "Message",
    "PressureTurn",
    "Suite",
    "SuiteInfo",
    "TRANSLATED_SUITES",
    "Tactic",
    "Translations",
    "available_languages",
    "builtin_suites",
    "dump_native",
    "item_set_hash",
    "item_to_record",
    "load_suite",
    "load_translations",
    "suite_hash",
]
