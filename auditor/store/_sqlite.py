"""The SQLite (WAL) results store: generations and verdicts, committed row by row."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from auditor.backends import UNSUPPORTED
from auditor.errors import StoreError
from auditor.judges import ActionVerdict, HarmAssessment, JudgedVerdict, Verdict
from auditor.store._action_rows import put_action, read_actions
from auditor.store._open import has_table, open_connection, store_error
from auditor.store._records import (
    GenerationKey,
    GenerationRecord,
    StoredVerdict,
    evidence_from_json,
    evidence_to_json,
    harm_from_row,
    harm_to_row,
)
from auditor.store._schema import (
    GENERATION_COLUMNS,
    HARM_DDL,
    HARM_TABLE,
    TOOL_CALLS_DDL,
    TOOL_CALLS_TABLE,
    VERDICT_COLUMNS,
)

log = logging.getLogger(__name__)

DEFAULT_STORE = "audit.db"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


class Store:
    """Generations and verdicts in one SQLite file (WAL mode, each row committed on arrival).

    A generation is unique by its :class:`GenerationKey` (model, item_hash, framing,
    condition, gen_config_hash, sample, turn); storing a key that exists keeps the stored
    row, unless that row recorded an error, in which case the new attempt replaces it (and
    any verdict on the failed attempt). A process killed at any
    point loses nothing already committed. Usable as a context manager; safe to share between
    threads (calls are serialised).
    """

    def __init__(
        self, path: str | Path = DEFAULT_STORE, *, readonly: bool = False, timeout: float = 30.0
    ) -> None:
        """Open (or, unless ``readonly``, create) the store at ``path``.

        ``timeout`` is how long to wait for another writer's lock (seconds). Anything at
        ``path`` that is not a results store of this schema version, is locked past the
        timeout, or (for writing) is read-only raises :class:`StoreError` and is left
        untouched: see :mod:`auditor.store._open` for the rules.
        """
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn = open_connection(self.path, readonly=readonly, timeout=timeout)
        self._conn.row_factory = sqlite3.Row

    @contextmanager
    def _db(self, doing: str) -> Iterator[sqlite3.Connection]:
        """The connection, serialised between threads; SQLite errors become StoreError."""
        with self._lock:
            try:
                yield self._conn
            except (sqlite3.Error, UnicodeDecodeError) as exc:  # bytes no longer UTF-8 text
                raise store_error(self.path, exc, doing) from exc

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        with self._db("reading"):
            row = self._conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
        return int(row["value"])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- generations -----------------------------------------------------------------------

    def put_generation(self, record: GenerationRecord) -> int:
        """Store one generation and commit; return its id (the existing id if already stored).

        An existing row with the same key is kept unless it recorded an error and this one
        did not fail the same way: then the new attempt replaces it.
        """
        values = dataclasses.asdict(record)
        if not values["created_at"]:
            values["created_at"] = _now()
        with self._db("writing"), self._conn:
            old = self._conn.execute(
                f"SELECT id, error FROM generations WHERE {_KEY_WHERE}", _key_args(record.key)
            ).fetchone()
            if old is not None:
                if not old["error"] or record.error:
                    return int(old["id"])
                self._conn.execute("DELETE FROM generations WHERE id = ?", (old["id"],))
            cols = ", ".join(GENERATION_COLUMNS)
            marks = ", ".join("?" for _ in GENERATION_COLUMNS)
            cursor = self._conn.execute(
                f"INSERT INTO generations ({cols}) VALUES ({marks})",
                [values[c] for c in GENERATION_COLUMNS],
            )
            generation_id = int(cursor.lastrowid or 0)
            if record.tool_prompt or record.tool_calls_json:
                self._conn.execute(TOOL_CALLS_DDL)  # an older store gains the table here
                self._conn.execute(
                    f"INSERT OR REPLACE INTO {TOOL_CALLS_TABLE} (generation_id, calls_json, "
                    "tool_prompt) VALUES (?, ?, ?)",
                    (generation_id, record.tool_calls_json or "[]", record.tool_prompt),
                )
            return generation_id

    def has_generation(self, key: GenerationKey, *, include_errors: bool = False) -> bool:
        """True if this key is stored (rows that recorded an error count only if asked)."""
        with self._db("reading"):
            row = self._conn.execute(
                f"SELECT error FROM generations WHERE {_KEY_WHERE}", _key_args(key)
            ).fetchone()
        return row is not None and (include_errors or not row["error"])

    def find_generation(self, key: GenerationKey) -> GenerationRecord | None:
        """The generation stored under ``key`` (with or without error), or ``None``.

        For runners that build on stored turns, e.g. a multi-turn conversation resumed
        after its turn k: the turn's reply is read back to ask turn k + 1.
        """
        with self._db("reading"):
            row = self._conn.execute(
                f"SELECT * FROM generations WHERE {_KEY_WHERE}", _key_args(key)
            ).fetchone()
            tools = None if row is None else self._tool_rows(int(row["id"]))
        return None if row is None else _generation_from_row(row, self.path, tools)

    def done_keys(self, model: str, gen_config_hash: str) -> set[GenerationKey]:
        """Keys done for one model and generation config (for skipping): stored without
        error, or recorded as unsupported (asking again would give the same answer)."""
        with self._db("reading"):
            rows = self._conn.execute(
                "SELECT item_hash, framing, sample, condition, turn FROM generations WHERE "
                "model = ? AND gen_config_hash = ? AND (error = '' OR finish_reason = ?)",
                (model, gen_config_hash, UNSUPPORTED),
            ).fetchall()
        return {
            GenerationKey(model, r["item_hash"], r["framing"], gen_config_hash, r["sample"],
                          r["condition"], r["turn"])
            for r in rows
        }

    def generation(self, generation_id: int) -> GenerationRecord:
        """One stored generation by id (``StoreError`` if there is none)."""
        with self._db("reading"):
            row = self._conn.execute(
                "SELECT * FROM generations WHERE id = ?", (generation_id,)
            ).fetchone()
            tools = self._tool_rows(generation_id)
        if row is None:
            raise StoreError(f"no generation with id {generation_id} in {self.path}")
        return _generation_from_row(row, self.path, tools)

    def generations(
        self,
        model: str | None = None,
        suite: str | None = None,
        *,
        condition: str | None = None,
        turn: int | None = None,
    ) -> Iterator[GenerationRecord]:
        """Stored generations in insertion order, optionally for one model key, suite,
        condition (``plain``: the items as written) and/or turn."""
        where, args = _filters(model=model, suite=suite, condition=condition, turn=turn)
        with self._db("reading"):
            rows = self._conn.execute(
                f"SELECT * FROM generations{where} ORDER BY id", args
            ).fetchall()
            tools = self._tool_rows()
        for row in rows:
            yield _generation_from_row(row, self.path, tools)

    def has_tool_calls(self) -> bool:
        """True when some generation was offered tools (an agentic item)."""
        with self._db("reading"):
            return has_table(self._conn, TOOL_CALLS_TABLE) and self._conn.execute(
                f"SELECT 1 FROM {TOOL_CALLS_TABLE} LIMIT 1").fetchone() is not None

    def _tool_rows(self, generation_id: int | None = None) -> dict[int, tuple[str, str]]:
        """``(calls_json, tool_prompt)`` by generation id, of one generation or all (none in
        a store without the table)."""
        if not has_table(self._conn, TOOL_CALLS_TABLE):
            return {}
        where, args = _filters(generation_id=generation_id)
        rows = self._conn.execute(
            f"SELECT generation_id, calls_json, tool_prompt FROM {TOOL_CALLS_TABLE}{where}", args
        ).fetchall()
        out = {}
        for row in rows:
            values = _checked(row, ("generation_id", "calls_json", "tool_prompt"), "tool_calls",
                              self.path)
            out[values["generation_id"]] = (values["calls_json"], values["tool_prompt"])
        return out

    def count_generations(self, model: str | None = None, suite: str | None = None) -> int:
        where, args = _filters(model=model, suite=suite)
        with self._db("reading"):
            row = self._conn.execute(f"SELECT COUNT(*) FROM generations{where}", args).fetchone()
        return int(row[0])

    def models(self) -> list[str]:
        """The model keys present in the store, sorted."""
        with self._db("reading"):
            rows = self._conn.execute("SELECT DISTINCT model FROM generations").fetchall()
        return _names(rows, "model", self.path)

    def suites(self, model: str | None = None) -> list[str]:
        """The suite names present in the store (for one model key if given), sorted."""
        where, args = _filters(model=model)
        with self._db("reading"):
            rows = self._conn.execute(
                f"SELECT DISTINCT suite FROM generations{where}", args
            ).fetchall()
        return _names(rows, "suite", self.path)

    # -- verdicts --------------------------------------------------------------------------

    def put_verdict(
        self, generation_id: int, verdict: JudgedVerdict, trace_json: str = ""
    ) -> int:
        """Store (or replace) a judge's verdict on a generation and commit; return its id."""
        with self._db("writing"), self._conn:
            try:
                self._conn.execute(
                    "INSERT INTO verdicts (generation_id, judge_id, rubric_hash, verdict, "
                    "evidence_json, raw_output, trace_json, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (generation_id, judge_id, rubric_hash) DO UPDATE SET "
                    "verdict = excluded.verdict, evidence_json = excluded.evidence_json, "
                    "raw_output = excluded.raw_output, trace_json = excluded.trace_json, "
                    "created_at = excluded.created_at",
                    (
                        generation_id,
                        verdict.judge_id,
                        verdict.rubric_hash,
                        str(verdict.verdict),
                        evidence_to_json(verdict.evidence),
                        verdict.raw_output,
                        trace_json,
                        _now(),
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"no generation with id {generation_id}: {exc}") from exc
            row = self._conn.execute(
                "SELECT id FROM verdicts WHERE generation_id = ? AND judge_id = ? AND "
                "rubric_hash = ?",
                (generation_id, verdict.judge_id, verdict.rubric_hash),
            ).fetchone()
            self._put_harm(int(row["id"]), verdict.harm)
            put_action(self._conn, int(row["id"]), verdict.action)
        return int(row["id"])

    def put_action(self, verdict_id: int, action: ActionVerdict) -> None:
        """Store the action layer's verdict beside a stored verdict and commit."""
        with self._db("writing"), self._conn:
            put_action(self._conn, verdict_id, action)

    def _put_harm(self, verdict_id: int, harm: HarmAssessment | None) -> None:
        """The verdict's harm row (inside the caller's transaction); none when ``harm`` is None."""
        if harm is None:
            if has_table(self._conn, HARM_TABLE):
                self._conn.execute(f"DELETE FROM {HARM_TABLE} WHERE verdict_id = ?",
                                   (verdict_id,))
            return
        self._conn.execute(HARM_DDL)  # a store written before the harm table gains it here
        self._conn.execute(
            f"INSERT OR REPLACE INTO {HARM_TABLE} (verdict_id, label, score, evidence_json, "
            "source, raw_output) VALUES (?, ?, ?, ?, ?, ?)",
            (verdict_id, *harm_to_row(harm)),
        )

    def _harm_rows(self) -> dict[int, HarmAssessment]:
        """Every stored harm assessment by verdict id (none in a store without the table)."""
        if not has_table(self._conn, HARM_TABLE):
            return {}
        out = {}
        for row in self._conn.execute(f"SELECT * FROM {HARM_TABLE}").fetchall():
            try:
                out[int(row["verdict_id"])] = harm_from_row(
                    row["label"], row["score"], row["evidence_json"], row["source"],
                    row["raw_output"],
                )
            except (ValueError, TypeError, KeyError) as exc:
                raise StoreError(
                    f"{self.path} is damaged: harm row {row['verdict_id']}: {exc}"
                ) from exc
        return out

    def has_verdict(self, generation_id: int, judge_id: str, rubric_hash: str) -> bool:
        with self._db("reading"):
            row = self._conn.execute(
                "SELECT 1 FROM verdicts WHERE generation_id = ? AND judge_id = ? AND "
                "rubric_hash = ?",
                (generation_id, judge_id, rubric_hash),
            ).fetchone()
        return row is not None

    def verdicts(
        self, judge_id: str | None = None, rubric_hash: str | None = None
    ) -> dict[int, StoredVerdict]:
        """Verdicts keyed by generation id; where several match, the most recent one wins."""
        where, args = _filters(judge_id=judge_id, rubric_hash=rubric_hash)
        with self._db("reading"):
            rows = self._conn.execute(
                f"SELECT * FROM verdicts{where} ORDER BY created_at, id", args
            ).fetchall()
            harm = self._harm_rows()
            actions = read_actions(self._conn, self.path)
        verdicts = (_verdict_from_row(r, self.path, harm, actions) for r in rows)
        return {v.generation_id: v for v in verdicts}

    def all_verdicts(self) -> Iterator[StoredVerdict]:
        """Every stored verdict, oldest first."""
        with self._db("reading"):
            rows = self._conn.execute("SELECT * FROM verdicts ORDER BY id").fetchall()
            harm = self._harm_rows()
            actions = read_actions(self._conn, self.path)
        for row in rows:
            yield _verdict_from_row(row, self.path, harm, actions)

    def judges(self) -> list[str]:
        """The judge ids that have verdicts in the store, sorted."""
        with self._db("reading"):
            rows = self._conn.execute("SELECT DISTINCT judge_id FROM verdicts").fetchall()
        return _names(rows, "judge_id", self.path)


_KEY_WHERE = ("model = ? AND item_hash = ? AND framing = ? AND condition = ? AND "
              "gen_config_hash = ? AND sample = ? AND turn = ?")


def _key_args(key: GenerationKey) -> tuple[str | int, ...]:
    return (key.model, key.item_hash, key.framing, key.condition, key.gen_config_hash,
            key.sample, key.turn)


def _filters(**conditions: str | int | None) -> tuple[str, list[Any]]:
    parts = [f"{name} = ?" for name, value in conditions.items() if value is not None]
    args = [value for value in conditions.values() if value is not None]
    return (" WHERE " + " AND ".join(parts) if parts else ""), args


_INT_COLUMNS = frozenset({"id", "generation_id", "sample", "seed", "n_prompt_tokens",
                          "n_completion_tokens", "turn"})


def _checked(row: sqlite3.Row, columns: tuple[str, ...], what: str, path: Path) -> dict[str, Any]:
    """The row's values, each of its column's type: a damaged row is a StoreError, not a
    ``None`` or a number where text belongs, found much later in a report."""
    values = {c: row[c] for c in columns}
    for column, value in values.items():
        if not isinstance(value, int if column in _INT_COLUMNS else str):
            raise StoreError(f"{path} is damaged: {what} row {values.get('id')} has "
                             f"{type(value).__name__} in column {column}")
    return values


def _generation_from_row(row: sqlite3.Row, path: Path,
                         tools: dict[int, tuple[str, str]] | None = None) -> GenerationRecord:
    values = _checked(row, ("id", *GENERATION_COLUMNS), "generation", path)
    calls_json, tool_prompt = (tools or {}).get(values["id"], ("", ""))
    return GenerationRecord(**values, tool_calls_json=calls_json, tool_prompt=tool_prompt)


def _verdict_from_row(
    row: sqlite3.Row, path: Path, harm: dict[int, HarmAssessment] | None = None,
    actions: dict[int, ActionVerdict] | None = None,
) -> StoredVerdict:
    values = _checked(row, ("id", *VERDICT_COLUMNS), "verdict", path)
    try:
        verdict, evidence = Verdict(values["verdict"]), evidence_from_json(values["evidence_json"])
    except (ValueError, TypeError, KeyError) as exc:
        raise StoreError(f"{path} is damaged: verdict row {values['id']}: {exc}") from exc
    return StoredVerdict(
        id=values["id"],
        generation_id=values["generation_id"],
        judge_id=values["judge_id"],
        rubric_hash=values["rubric_hash"],
        verdict=verdict,
        evidence=evidence,
        raw_output=values["raw_output"],
        trace_json=values["trace_json"],
        created_at=values["created_at"],
        harm=(harm or {}).get(values["id"]),
        action=(actions or {}).get(values["id"]),
    )


def _names(rows: list[sqlite3.Row], column: str, path: Path) -> list[str]:
    names = [r[column] for r in rows]
    if not all(isinstance(n, str) for n in names):
        raise StoreError(f"{path} is damaged: a {column} that is not text")
    return sorted(names)

