"""What a command-line run in this process hands its flow without flow parameters.

Parameters must serialize for deployments, so the command line's progress display and the plan
it has just validated, with the result forms it has just collected (the flow would read and check
the workbook and every form a second time), are handed over
here, process-local, for the length of one run. A run with no hand-over (a deployment run, a run
from Python) reads the workbook itself and publishes its progress as an artifact.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from vanban.issuing.run import Progress
from vanban.model import Plan


@dataclass(frozen=True)
class Handoff:
    progress: Progress | None = None
    workbook: str | None = None  # the path the plan was read from, as the flow is given it
    plan: Plan | None = None  # with the results of the forms in ``results``, when given
    results: str | None = None  # the folder of returned forms, as the flow is given it
    forms: Any = None  # what collect_forms said fed each unit (vanban.forms.receipts.FormIndex)


_current = Handoff()
_lock = threading.Lock()


@contextmanager
def handing_over(
    progress: Progress | None,
    workbook: str | None = None,
    plan: Plan | None = None,
    *,
    results: str | None = None,
    forms: Any = None,
) -> Iterator[None]:
    """Runs of this process get ``progress`` (and ``plan``, for ``workbook`` and ``results``)
    while the block runs."""
    global _current
    with _lock:
        previous, _current = _current, Handoff(progress, workbook, plan, results, forms)
    try:
        yield
    finally:
        with _lock:
            _current = previous


def local_progress() -> Progress | None:
    return _current.progress


def validated_plan(workbook: str, results: str | None = None) -> tuple[Plan, Any] | None:
    """The plan the command line read from ``workbook`` (with the forms of ``results`` applied)
    and the forms' index, if it did this for this run."""
    handed = _current
    if handed.plan is None or handed.workbook != workbook or handed.results != results:
        return None
    return handed.plan, handed.forms
