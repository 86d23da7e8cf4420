"""What ``vanban run`` shows while it works: starting Prefect, validating, each stage's documents.

On a terminal, a Rich progress display from the first second. Elsewhere (a log file, a test that
captures the output) or with ``--verbose`` (Prefect's own logs would tear a live display), one
plain line per step as it ends, so the output stays short and readable. It implements the run's
``Progress`` hook; it shows stage names and counts only, never a person's name.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


def seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " giây"


@dataclass
class Step:
    """One line of the display; it may end in another thread than the one that began it."""

    owner: RunProgress
    label: str
    task: TaskID | None
    started: float

    def finish(self, note: str = "xong") -> None:
        self.owner._end(self, f"{self.label}: {note} ({seconds(time.monotonic() - self.started)})")

    def fail(self) -> None:
        self.owner._end(self, f"{self.label}: dừng")


class RunProgress:
    def __init__(self, console: Console, *, live: bool = True) -> None:
        self._console = console
        self._bar: Progress | None = None
        if live and console.is_terminal:
            self._bar = Progress(
                SpinnerColumn(finished_text="✓"),
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=console,
                redirect_stdout=False,
                redirect_stderr=False,
            )
        self._lock = threading.Lock()
        self._stage: Step | None = None
        self._total = 0
        self._done = 0

    def __enter__(self) -> RunProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._close_stage()
        if self._bar is not None:
            self._bar.stop()

    def note(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False, soft_wrap=True)

    def begin(self, label: str, total: int | None = None) -> Step:
        task = None
        if self._bar is not None:
            task = self._bar.add_task(label, total=total)
        return Step(self, label, task, time.monotonic())

    @contextmanager
    def step(self, label: str) -> Iterator[Step]:
        current = self.begin(label)
        try:
            yield current
        except BaseException:
            current.fail()
            raise
        current.finish()

    # The run's Progress hook: called from the flow's thread.

    def stage(self, stage: str, label: str, total: int) -> None:
        self._close_stage()
        with self._lock:
            self._stage = self.begin(label, total=max(total, 1))
            self._total, self._done = total, 0
        self._show_count()

    def done(self, status: Any) -> None:
        with self._lock:
            self._done += 1
        self._show_count()

    def _show_count(self) -> None:
        current = self._stage
        if self._bar is not None and current is not None and current.task is not None:
            self._bar.update(
                current.task,
                description=f"{current.label}: {self._done}/{self._total}",
                completed=self._done,
            )

    def _close_stage(self) -> None:
        with self._lock:
            current, self._stage = self._stage, None
        if current is None:
            return
        note = f"{self._done}/{self._total} văn bản"
        if self._total > self._done:
            note += f", {self._total - self._done} chưa phát hành lần này"
        current.finish(note)

    def _end(self, step: Step, line: str) -> None:
        if self._bar is None or step.task is None:
            self.note(line)
            return
        # A finished line shows its tick and a full bar; its text says what was done.
        self._bar.update(step.task, description=line, total=1, completed=1)
        self._bar.stop_task(step.task)
