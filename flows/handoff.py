"""What a command-line run in this process hands its flow without flow parameters.

Parameters must serialize for deployments, so the command line's progress display and the plan
it has just validated (the flow would read and check the workbook a second time) are handed over
here, process-local, for the length of one run. A run with no hand-over (a deployment run, a run
from Python) reads the workbook itself and publishes its progress as an artifact.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from vanban.issuing.run import Progress
from vanban.model import Plan


@dataclass(frozen=True)
class Handoff:
    progress: Progress | None = None
    workbook: str | None = None  # the path the plan was read from, as the flow is given it
    plan: Plan | None = None


_current = Handoff()
_lock = threading.Lock()


@contextmanager
def handing_over(
    progress: Progress | None, workbook: str | None = None, plan: Plan | None = None
) -> Iterator[None]:
    """Runs of this process get ``progress`` (and ``plan``, for ``workbook``) while the block runs."""
    global _current
    with _lock:
        previous, _current = _current, Handoff(progress, workbook, plan)
    try:
        yield
    finally:
        with _lock:
            _current = previous


def local_progress() -> Progress | None:
    return _current.progress


def validated_plan(workbook: str) -> Plan | None:
    """The plan the command line read from ``workbook`` for this run, if it did."""
    handed = _current
    return handed.plan if handed.plan is not None and handed.workbook == workbook else None
