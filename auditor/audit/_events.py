"""Progress events of an audit and per-stage wall-clock timing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from auditor.runner import RunProgress


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """A stage starting or advancing. ``run`` is set while a model generates."""

    stage: str  # crawl | verify | select | load | generate | skip | judge | stats | report
    message: str
    target: str = ""
    run: RunProgress | None = None


AuditCallback = Callable[[AuditEvent], None]


class StageTimer:
    """Adds up wall-clock seconds per named stage (for the report and bench/audit_demo.py)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
