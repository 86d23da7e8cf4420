"""The run: the one entry point that issues a plan's documents into an output folder.

:func:`run_issue` validates the workbook (unless given the plan it was read into), takes the
folder lock, finishes the log of a run that was killed, plans the jobs by stage, runs a stage
only when the one before it succeeded, and writes the manifest. How a stage's jobs are executed
is a hook (``execute``): the library's own executor issues them one after another in this
process; ``flows/`` passes one that runs them as Prefect tasks, with retries, on a thread pool
or on Dask. The CLI, the tests and the benches all call this same function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from vanban.errors import VanbanError, exit_code_of, is_retryable
from vanban.files import clean_stray_temps, prepare_folder, translate_os_error
from vanban.issuing.issuer import (
    DocStatus,
    Issuer,
    Job,
    RunReport,
    check_job_paths,
    default_out_dir,
    plan_jobs,
    select_units,
    stages_of,
)
from vanban.issuing.locking import folder_lock
from vanban.model import Plan
from vanban.workbook.loader import load_plan

# Jobs handed to one executor call together (one Prefect task): few enough that a thousand-unit
# plan makes a few hundred task runs rather than thousands, many enough to spread over workers.
BATCH_SIZE = 16

Executor = Callable[[Issuer, Sequence[Sequence[Job]]], Iterable[DocStatus]]
"""Runs a stage's batches of ready jobs and yields one status per job, in any order.

It never raises for one document's failure: that document's status is "failed" (see
:func:`issue_batch`), and the run stops before the next stage.
"""


class Progress(Protocol):
    """What a run tells its caller as it goes (the CLI draws a progress bar from it)."""

    def stage(self, stage: str, total: int) -> None: ...

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
    return out


def issue_serially(issuer: Issuer, batches: Sequence[Sequence[Job]]) -> Iterator[DocStatus]:
    """The library's executor: every batch in this process, in order, without retries."""
    for batch in batches:
        yield from issue_batch(issuer, batch)


def batches_of(jobs: Sequence[Job], size: int = BATCH_SIZE) -> list[list[Job]]:
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


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
) -> RunReport:
    """Issue the documents of the plan in ``workbook`` (or of some units, or some stages).

    ``workbook`` is the workbook's path, or the plan already read from it.

    Bad input raises ``InputError`` before anything is written; a held folder raises
    ``OutputLockedError``. Every other outcome, failures included, is in the returned report,
    whose ``exit_code`` is what the CLI exits with.
    """
    from vanban.documents.render import default_templates_dir

    plan = workbook if isinstance(workbook, Plan) else load_plan(workbook)
    chosen = select_units(plan, units)
    target = Path(out_dir) if out_dir else default_out_dir(plan)
    check_job_paths(plan_jobs(plan), target)  # a name the OS refuses: exit 2, nothing written
    prepare_folder(target)
    issuer = Issuer(
        plan,
        target,
        Path(templates_dir) if templates_dir else default_templates_dir(),
        flow_run_id=flow_run_id,
        force=force,
    )
    report = RunReport(target)
    with folder_lock(target):
        issuer.check_folder(plan_jobs(plan, units=chosen, only=only))
        clean_stray_temps(target)
        report.recovered = issuer.recover()
        failed_stage: str | None = None
        for stage, jobs in stages_of(plan_jobs(plan, units=chosen, only=only)):
            if progress is not None:
                progress.stage(stage, len(jobs))
            if failed_stage is not None:
                reason = f"giai đoạn trước ({failed_stage}) có lỗi"
                statuses = [DocStatus(j, "not_attempted", reason) for j in jobs]
            else:
                ready = [j for j in jobs if j.pending is None]
                statuses = [DocStatus(j, "pending", j.pending) for j in jobs if j.pending]
                for status in execute(issuer, batches_of(ready)):
                    statuses.append(status)
                    if progress is not None:
                        progress.done(status)
                if any(s.status == "failed" for s in statuses):
                    failed_stage = stage
            order = {j.id: i for i, j in enumerate(jobs)}
            report.statuses += sorted(statuses, key=lambda s: order[s.job.id])
        issuer.write_manifest(report)
    return report


__all__ = [
    "BATCH_SIZE",
    "Executor",
    "Progress",
    "batches_of",
    "failure",
    "issue_batch",
    "issue_serially",
    "run_issue",
]
