"""The run: the one entry point that issues a plan's documents into an output folder.

:func:`run_issue` validates the workbook (unless given the plan it was read into), takes the
folder lock, finishes the log of a run that was killed, plans the jobs by stage, runs a stage
only when the one before it succeeded, and writes the manifest. How a stage's jobs are executed
is a hook (``execute``): the library's own executor issues them one after another in this
process; ``flows/`` passes one that runs them as Prefect tasks, with retries, on a thread pool
or on Dask. The CLI, the tests and the benches all call this same function.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from vanban.documents.kinds import (
    METADATA_SOURCES,
    Registry,
    default_templates_dir,
    load_registry,
)
from vanban.errors import Problem, VanbanError, WorkbookError, exit_code_of, is_retryable
from vanban.files import clean_stray_temps, prepare_folder, translate_os_error
from vanban.issuing.issuer import (
    DocStatus,
    Issuer,
    Job,
    ResultSources,
    RunReport,
    check_job_paths,
    default_out_dir,
    plan_jobs,
    select_units,
    stages_of,
)
from vanban.issuing.locking import folder_lock
from vanban.model import DOCUMENTS_SHEET, Plan
from vanban.text.names import match_key
from vanban.workbook.loader import load_plan

# Jobs handed to one executor call together (one Prefect task). A task costs Prefect about a
# tenth of a second besides the rendering, so a large stage goes in a few large batches,
# BATCHES_PER_WORKER for each worker (enough for one worker to take over a slower one's share);
# a small stage still goes in batches of BATCH_SIZE, so that it spreads over the workers. A
# batch never holds its documents: each is written as soon as it is rendered.
BATCH_SIZE = 16
BATCHES_PER_WORKER = 4
MAX_BATCH = 256

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
    """``jobs`` in order, in batches sized for an executor with ``workers`` workers."""
    share = -(-len(jobs) // (max(1, workers) * BATCHES_PER_WORKER))
    size = min(MAX_BATCH, max(BATCH_SIZE, share))
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


def check_documents_sheet(plan: Plan, registry: Registry, source: str | None = None) -> None:
    """Every row of sheet "Văn bản" names a kind of the registry that reads it.

    A kind is named by its key or its label. Only kinds with the generic context read the row
    (the built-in ones keep their metadata where it was); a kind issued per unit takes each
    unit's own number, so its row may not give one. The workbook reader does not know the
    registry (a ``--templates`` folder may bring its own), so this is checked here, before
    anything is written.
    """
    by_name = {match_key(name): k for k in registry.kinds for name in (k.key, k.label)}
    labels = ", ".join(f'"{k.label}"' for k in registry.kinds if k.context == "generic")
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for row in plan.documents:
        kind = by_name.get(match_key(row.kind))
        if kind is not None and kind.key in seen:
            # Its key on one row and its label on another: the reader could not tell.
            problems.append(Problem(
                DOCUMENTS_SHEET, row.cell,
                f'"{kind.label}" đã có dòng ở ô {seen[kind.key]}; mỗi loại văn bản một dòng',
            ))
        elif kind is not None:
            seen[kind.key] = row.cell
        if kind is None:
            problems.append(Problem(
                DOCUMENTS_SHEET, row.cell,
                f'loại văn bản "{row.kind}" không có trong danh mục văn bản; ghi một trong: '
                f"{labels}",
            ))
        elif kind.context != "generic":
            problems.append(Problem(
                DOCUMENTS_SHEET, row.cell,
                f'"{kind.label}" chưa lấy thông tin từ sheet "{DOCUMENTS_SHEET}": số, ngày và '
                f"người ký của nó ghi ở {METADATA_SOURCES[kind.metadata]}; hãy xóa dòng này",
            ))
        elif kind.scope == "unit" and row.number is not None:
            problems.append(Problem(
                DOCUMENTS_SHEET, row.cells.get("number", row.cell),
                f'"{kind.label}" phát hành theo từng đơn vị, mỗi văn bản có số riêng '
                f"({METADATA_SOURCES[kind.metadata]}); hãy để trống ô số",
            ))
    if problems:
        raise WorkbookError(problems, source)


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
    """Issue the documents of the plan in ``workbook`` (or of some units, or some stages).

    ``workbook`` is the workbook's path, or the plan already read from it; ``forms`` says which
    returned result forms fed that plan (``vanban.forms.collecting.collect_forms``);
    ``workers`` is how many batches ``execute`` runs at once, which sizes the batches.

    Bad input raises ``InputError`` before anything is written; a held folder raises
    ``OutputLockedError``. Every other outcome, failures included, is in the returned report,
    whose ``exit_code`` is what the CLI exits with.
    """
    plan = workbook if isinstance(workbook, Plan) else load_plan(workbook)
    templates = Path(templates_dir) if templates_dir else default_templates_dir()
    source = None if isinstance(workbook, Plan) else str(workbook)
    registry = load_registry(templates)
    check_documents_sheet(plan, registry, source)
    chosen = select_units(plan, units)
    target = Path(out_dir) if out_dir else default_out_dir(plan)
    check_job_paths(plan_jobs(plan, registry), target)  # a name the OS refuses: exit 2, nothing written
    prepare_folder(target)
    issuer = Issuer(plan, target, templates, flow_run_id=flow_run_id, force=force, forms=forms)
    report = RunReport(target, forms=forms)
    with folder_lock(target):
        clean_stray_temps(target)
        report.recovered = issuer.recover()
        failed_stage: str | None = None
        jobs = plan_jobs(plan, registry, units=chosen, only=only)
        issuer.check_folder(jobs)  # no link on the way to anything this run writes
        jobs_by_stage = stages_of(jobs, registry)
        for stage, jobs in jobs_by_stage:
            if progress is not None:
                progress.stage(stage, len(jobs))
            if failed_stage is not None:
                reason = f"giai đoạn trước ({failed_stage}) có lỗi"
                statuses = [DocStatus(j, "not_attempted", reason) for j in jobs]
            else:
                ready = [j for j in jobs if j.pending is None]
                statuses = [DocStatus(j, "pending", j.pending) for j in jobs if j.pending]
                for status in execute(issuer, batches_of(ready, workers)):
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
    "BATCHES_PER_WORKER",
    "BATCH_SIZE",
    "MAX_BATCH",
    "Executor",
    "Progress",
    "batches_of",
    "earlier_attempts",
    "keep_for_retry",
    "check_documents_sheet",
    "failure",
    "issue_batch",
    "issue_serially",
    "run_issue",
]
