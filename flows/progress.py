"""A run's progress: to whoever started it in this process, or as a Prefect progress artifact.

The command line draws its own progress display and hands it to the flow through a process-local
hook (:func:`reporting_to`), not a flow parameter: parameters must serialize for deployments. A
run nobody watches in a terminal (a deployment run, a run from Python) has no hook and publishes
a progress artifact instead, which the UI shows on the flow run's page. Both carry stage names
and counts only: never a person's name, never a document's text.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import cast
from uuid import UUID

from prefect.artifacts import create_progress_artifact, update_progress_artifact

from vanban.documents.kinds import STAGE_LABELS, STAGES
from vanban.issuing.issuer import DocStatus
from vanban.issuing.run import Progress

ARTIFACT_KEY = "vanban-progress"
# One update per document would be one API call per document; the UI needs no more than this.
UPDATE_EVERY = 2.0  # seconds

_hook: Progress | None = None
_hook_lock = threading.Lock()


@contextmanager
def reporting_to(progress: Progress | None) -> Iterator[None]:
    """Runs of this process report to ``progress`` while the block runs (None: no hook)."""
    global _hook
    with _hook_lock:
        previous, _hook = _hook, progress
    try:
        yield
    finally:
        with _hook_lock:
            _hook = previous


def local_progress() -> Progress | None:
    return _hook


class ArtifactProgress:
    """Progress as a Prefect progress artifact: percent done and the stage's counts."""

    def __init__(self, only: Sequence[str] | None) -> None:
        self._stages = [s for s in STAGES if not only or s in only]
        self._index = 0
        self._label = ""
        self._total = 0
        self._done = 0
        self._last = 0.0
        created = create_progress_artifact(
            0.0, key=ARTIFACT_KEY, description="Đang kiểm tra bảng tính"
        )
        self._id = cast(UUID, created)  # the sync call: this runs in the flow's thread

    def stage(self, stage: str, total: int) -> None:
        if stage in self._stages:
            self._index = self._stages.index(stage)
        self._label, self._total, self._done = STAGE_LABELS.get(stage, stage), total, 0
        self._publish()

    def done(self, status: DocStatus) -> None:
        self._done += 1
        if time.monotonic() - self._last >= UPDATE_EVERY:
            self._publish()

    def finish(self, summary: str) -> None:
        update_progress_artifact(self._id, 100.0, description=summary)

    def _publish(self) -> None:
        share = self._done / self._total if self._total else 0.0
        percent = 100.0 * (self._index + share) / max(1, len(self._stages))
        description = f"{self._label}: {self._done}/{self._total} văn bản"
        update_progress_artifact(self._id, min(percent, 99.0), description=description)
        self._last = time.monotonic()
