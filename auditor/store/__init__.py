"""The results store: every generation and verdict in one SQLite (WAL) file.

>>> with Store("audit.db") as store:            # doctest: +SKIP
...     for record in store.generations(model=key):
...         ...
"""

from auditor.store._export import (
    EXPORT_SCHEMA_VERSION,
    export_rows,
    write_csv,
    write_jsonl,
)
from auditor.store._records import GenerationKey, GenerationRecord, StoredVerdict
from auditor.store._schema import SCHEMA_VERSION
from auditor.store._sqlite import DEFAULT_STORE, Store

__all__ = [
    "DEFAULT_STORE",
    "EXPORT_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "GenerationKey",
    "GenerationRecord",
    "Store",
    "StoredVerdict",
    "export_rows",
    "write_csv",
    "write_jsonl",
]
