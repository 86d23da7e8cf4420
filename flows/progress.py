"""A run's progress as a Prefect progress artifact, for the runs nobody watches in a terminal.

The command line draws its own display and hands it to the flow (see ``handoff`` beside it); a run
with no such hand-over (a deployment run, a run from Python) publishes this artifact instead,
which the UI shows on the flow run's page. It carries stage names and counts only: never a
person's name, never a document's text.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import cast
from uuid import UUID

from prefect.artifacts import create_progress_artifact, update_progress_artifact

from vanban.issuing.jobs import DocStatus

ARTIFACT_KEY = "vanban-progress"
# One update per document would be one API call per document; the UI needs no more than this.
UPDATE_EVERY = 2.0  # seconds

class ArtifactProgress:
    """Progress as a Prefect progress artifact: percent done and the stage's counts."""

    def __init__(self) -> None:
        self._stages: tuple[str, ...] = ()
        self._index = 0
        self._label = ""
        self._total = 0
        self._done = 0
        self._last = 0.0
        created = create_progress_artifact(
            0.0, key=ARTIFACT_KEY, description="Đang kiểm tra bảng tính"
        )
        self._id = cast(UUID, created)  # the sync call: this runs in the flow's thread

    def expect(self, stages: Sequence[str]) -> None:
        """The stages the run will go through, once it is prepared: they make the percent."""
        self._stages = tuple(stages)

    def stage(self, stage: str, label: str, total: int) -> None:
        if stage in self._stages:
            self._index = self._stages.index(stage)
        self._label, self._total, self._done = label, total, 0
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
