"""The run: issuing a prepared run's documents into its output folder.

:func:`issue_prepared` takes a run prepared once (``vanban.prepare.prepare_run``, or
:func:`~vanban.issuing.prepared.prepare_plan` for a plan already read), takes the folder lock,
finishes the log of a run that was killed, runs a stage only when the one before it succeeded,
and writes the manifest. How a stage's jobs are executed is a hook (``execute``): the library's
own executor issues them one after another in this process; ``flows/`` passes one that runs them
as Prefect tasks, with retries, on a thread pool or on Dask. :func:`run_issue` prepares and
issues in one call, for scripts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from vanban.errors import VanbanError, exit_code_of, is_retryable
from vanban.files import clean_stray_temps, prepare_folder, translate_os_error
from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import DocStatus, Job, ResultSources, RunReport, stages_of
from vanban.issuing.locking import folder_lock
from vanban.issuing.prepared import PreparedRun, RunRequest, prepare_plan
from vanban.model import Plan
from vanban.rendering.sandbox import forget_escaped
from vanban.workbook.loader import load_plan

# Jobs handed to one executor call together (one Prefect task). A task costs Prefect about a
# tenth of a second besides the rendering (measured: 0.03-0.04 s on the thread pool, 0.12-0.18 s
# in a Dask worker), so a large stage goes in a few large batches, BATCHES_PER_WORKER for each
# worker (two, so that one worker can take over a slower one's share); a small stage still goes
# in batches of BATCH_SIZE, so that it spreads over the workers. A batch never
# holds its documents: each is written as soon as it is rendered; MAX_BATCH bounds what a retry
# of a batch looks through and how far the progress moves at once.
BATCH_SIZE = 16
BATCHES_PER_WORKER = 2
MAX_BATCH = 1024

Executor = Callable[[Issuer, Sequence[Sequence[Job]]], Iterable[DocStatus]]
"""Runs a stage's batches of ready jobs and yields one status per job, in any order.

It never raises for one document's failure: that document's status is "failed" (see
:func:`issue_batch`), and the run stops before the next stage.
"""


class Progress(Protocol):
    """What a run tells its caller as it goes (the CLI draws a progress bar from it)."""

    def stage(self, stage: str, label: str, total: int) -> None:
        """A stage begins: its key, its label in the run's registry, the count of its documents
        that the plan calls for (a "not_expected" one is no work to show)."""

    def done(self, status: DocStatus) -> None: ...


def failure(job: Job, exc: BaseException, attempts: int) -> DocStatus:
    """The status of a document whose issue raised ``exc``; the exit code follows the error.

    An OS error that reached this far untranslated still gets its Vietnamese reason. Any other
    unexpected error is named by its class only: its text may quote a person's data.
    """
    if isinstance(exc, OSError):
        exc = translate_os_error(exc, job.relpath)
    reason = (
        str(exc)
        if isinstance(exc, VanbanError)
        else f"lỗi không lường trước ({type(exc).__name__})"
    )
    return DocStatus(job, "failed", reason, attempts=attempts, exit_code=exit_code_of(exc))


def issue_batch(
    issuer: Issuer,
    jobs: Sequence[Job],
    *,
    attempt: int = 1,
    retry_transient: bool = False,
    finished: dict[str, DocStatus] | None = None,
) -> list[DocStatus]:
    """Issue ``jobs`` one after another; a failure is logged and becomes that job's status.

    With ``retry_transient`` a transient fault is raised instead, for the caller to try the
    batch again; ``finished`` then holds what earlier attempts already issued, so a retry never
    issues a document twice (and a document that is already right is never rewritten anyway).
    """
    try:
        return _issued(issuer, jobs, attempt, retry_transient, finished)
    finally:
        # Where the documents were rendered (this process, or a Dask worker): the names the
        # batch printed are not kept past it.
        forget_escaped()


def _issued(
    issuer: Issuer,
    jobs: Sequence[Job],
    attempt: int,
    retry_transient: bool,
    finished: dict[str, DocStatus] | None,
) -> list[DocStatus]:
    done = finished if finished is not None else {}
    out: list[DocStatus] = []
    for job in jobs:
        if job.id in done:
            out.append(done[job.id])
            continue
        try:
            status = issuer.issue(job, attempts=attempt)
        except Exception as exc:  # noqa: BLE001 - one document's failure is its status
            if retry_transient and is_retryable(exc):
                raise
            status = failure(job, exc, attempt)
            issuer.log_failure(job, status.reason or "", attempt)
        done[job.id] = status
        out.append(status)
    try:
        issuer.flush()  # the batch's "issued" entries, on disk
    except VanbanError:
        # Nothing is lost if they are not: each document's file and "prepare" entry are on disk,
        # and the next run recovers the entry from them. A disk that fails here fails the next
        # document's "prepare", which is that document's failure.
        pass
    return out


# What earlier attempts of a batch issued, kept between the attempts of an executor that retries
# whole batches (Prefect's tasks): a retry reports those documents as they were, not as
# "unchanged". Attempts run in the process of the first, so a process-wide table serves
# threads and Dask workers alike.
_attempted: dict[str, dict[str, DocStatus]] = {}
_attempted_lock = threading.Lock()


def earlier_attempts(key: str) -> dict[str, DocStatus]:
    """What earlier attempts of the batch ``key`` issued (and forget it)."""
    with _attempted_lock:
        return _attempted.pop(key, {})


def keep_for_retry(key: str, finished: dict[str, DocStatus]) -> None:
    with _attempted_lock:
        _attempted[key] = finished


def issue_serially(issuer: Issuer, batches: Sequence[Sequence[Job]]) -> Iterator[DocStatus]:
    """The library's executor: every batch in this process, in order, without retries."""
    for batch in batches:
        yield from issue_batch(issuer, batch)


def batches_of(jobs: Sequence[Job], workers: int = 1) -> list[list[Job]]:
    """``jobs`` in batches sized for an executor with ``workers`` workers, dealt out in turn
    like cards, each batch in the stage's order.

    Dealt, not cut: a stage lists its documents kind by kind, and cut in order its first batch
    held the long letters files and its last the short invitations (measured on 1.000 units:
    7.5 s against 3 s), so one worker worked while the other waited.
    """
    share = -(-len(jobs) // (max(1, workers) * BATCHES_PER_WORKER))
    size = min(MAX_BATCH, max(BATCH_SIZE, share))
    count = -(-len(jobs) // size)
    return [list(jobs[i::count]) for i in range(count)]


def run_issue(
    workbook: Path | str | Plan,
    *,
    out_dir: Path | str | None = None,
    units: Sequence[str] | None = None,
    only: Sequence[str] | None = None,
    force: bool = False,
    templates_dir: Path | str | None = None,
    execute: Executor = issue_serially,
    flow_run_id: str = "",
    progress: Progress | None = None,
    forms: ResultSources | None = None,
    workers: int = 1,
) -> RunReport:
    """Prepare and issue the plan in ``workbook`` (or some units, or some stages) in one call.

    A thin wrapper for scripts: ``workbook`` is the workbook's path, or the plan already read
    from it; ``forms`` says which returned result forms fed that plan. To read returned forms
    too, or to see every problem before running, use ``vanban.prepare_run`` and
    :func:`issue_prepared`. Bad input raises before anything is written (see
    :func:`issue_prepared`).
    """
    request = RunRequest(
        workbook="" if isinstance(workbook, Plan) else str(workbook),
        out_dir=str(out_dir) if out_dir else None,
        units=tuple(units or ()),
        only=tuple(only or ()),
        templates_dir=str(templates_dir) if templates_dir else None,
        force=force,
    )
    plan = workbook if isinstance(workbook, Plan) else load_plan(workbook)
    prepared = prepare_plan(request, plan, forms=forms)
    return issue_prepared(
        prepared, execute=execute, flow_run_id=flow_run_id, progress=progress, workers=workers
    )


def issue_prepared(
    prepared: PreparedRun,
    *,
    execute: Executor = issue_serially,
    flow_run_id: str = "",
    progress: Progress | None = None,
    workers: int = 1,
) -> RunReport:
    """Issue a prepared run (``vanban.prepare_run``): the core of every run.

    It trusts what was prepared: the plan, the registry, the units, stages and jobs. It takes
    the folder lock, finishes the log of a run that was killed, runs a stage only when the one
    before it succeeded, and writes the manifest. ``workers`` is how many batches ``execute``
    runs at once, which sizes the batches.

    A prepared run with problems raises them (``InputError``, ``TemplateError``) before anything
    is written; a held folder raises ``OutputLockedError``. Every other outcome, failures
    included, is in the returned report, whose ``exit_code`` is what the CLI exits with.
    """
    prepared.raise_errors()
    plan, registry, target = prepared.plan, prepared.registry, prepared.target
    assert plan is not None and registry is not None and target is not None  # prepared, no error
    prepare_folder(target)
    issuer = Issuer(
        plan,
        target,
        prepared.templates_dir,
        registry,
        flow_run_id=flow_run_id,
        force=prepared.request.force,
        forms=prepared.forms,
    )
    report = RunReport(target, forms=prepared.forms)
    with folder_lock(target):
        clean_stray_temps(target)
        report.recovered = issuer.recover()
        issuer.check_folder(prepared.jobs)  # no link on the way to anything this run writes
        report.statuses = _issue_stages(prepared, issuer, execute, progress, workers)
        issuer.write_manifest(report)
    return report


def _issue_stages(
    prepared: PreparedRun,
    issuer: Issuer,
    execute: Executor,
    progress: Progress | None,
    workers: int,
) -> list[DocStatus]:
    """Each stage's documents in turn; after a stage with a failure, the rest are not tried."""
    assert prepared.registry is not None
    out: list[DocStatus] = []
    failed_stage: str | None = None
    for stage, jobs in stages_of(prepared.jobs, prepared.registry):
        if progress is not None:
            # A document the plan does not call for is no part of the stage's work.
            expected = sum(1 for j in jobs if j.held != "not_expected")
            progress.stage(stage, prepared.stage_label(stage), expected)
        if failed_stage is not None:
            reason = f"giai đoạn trước ({prepared.stage_label(failed_stage)}) có lỗi"
            # What the plan does not call for stays so: it would not have been issued anyway.
            statuses = [
                DocStatus(j, "not_expected", j.pending)
                if j.held == "not_expected"
                else DocStatus(j, "not_attempted", reason)
                for j in jobs
            ]
        else:
            ready = [j for j in jobs if j.held is None]
            statuses = [DocStatus(j, held, j.pending) for j in jobs if (held := j.held)]
            for status in execute(issuer, batches_of(ready, workers)):
                statuses.append(status)
                if progress is not None:
                    progress.done(status)
            if any(s.status == "failed" for s in statuses):
                failed_stage = stage
        order = {j.id: i for i, j in enumerate(jobs)}
        out += sorted(statuses, key=lambda s: order[s.job.id])
    return out


__all__ = [
    "BATCHES_PER_WORKER",
    "BATCH_SIZE",
    "MAX_BATCH",
    "Executor",
    "Progress",
    "batches_of",
    "earlier_attempts",
    "keep_for_retry",
    "failure",
    "issue_batch",
    "issue_prepared",
    "issue_serially",
    "run_issue",
]
