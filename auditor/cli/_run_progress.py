"""A rich progress bar for runs: ETA and tokens/s, fed by the runner's progress callback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from auditor.cli._app import err_console

if TYPE_CHECKING:
    from auditor.runner import RunProgress


class RunProgressBar:
    """Context manager; pass :meth:`update` as ``run_eval(progress=...)``."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[speed]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> RunProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, event: RunProgress) -> None:
        if self._task is None:
            self._task = self._progress.add_task(
                f"{self._label} (loading)", total=max(event.total, 1), speed=""
            )
        speed = f"{event.tokens_per_second:6.1f} tok/s" if event.completion_tokens else ""
        description = self._label if event.phase != "loading" else f"{self._label} (loading)"
        self._progress.update(
            self._task, completed=event.done, total=max(event.total, 1), speed=speed,
            description=description,
        )
