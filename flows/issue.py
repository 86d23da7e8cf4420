"""The Prefect flow that issues a plan's documents: thin orchestration over ``vanban``.

The run itself (validation, folder lock, recovery, stage gating, manifest) is the library's
``vanban.issuing.run.run_issue``; this module gives it what is Prefect's: a task per batch of
documents with retries of transient faults only, the run logger, the artifact and the task
runner. Bad input and broken templates fail at once and are never retried.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.client.schemas.objects import State, TaskRun
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run as current_flow_run
from prefect.runtime import task_run as current_task_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import Task, exponential_backoff

from vanban.errors import VanbanError, is_retryable
from vanban.forms.collecting import collect_forms
from vanban.issuing.issuer import DocStatus, Issuer, Job, RunReport
from vanban.issuing.run import (
    earlier_attempts,
    failure,
    issue_batch,
    keep_for_retry,
    run_issue,
)
from vanban.model import Plan
from vanban.workbook.loader import load_plan

from .handoff import local_progress, validated_plan
from .progress import ArtifactProgress

RETRIES = 3
# Rendering holds the GIL and a batch keeps its documents in memory until written: more threads
# than cores only raise the peak memory of a large plan (Prefect's default is unbounded).
WORKERS = max(1, min(4, os.cpu_count() or 1))


def retry_if_transient(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Prefect's retry_condition_fn: retry only what another attempt can fix."""
    try:
        state.result()
    except BaseException as exc:  # noqa: BLE001 - we classify, not handle
        return is_retryable(exc)
    return False


@task(name="validate-workbook", retries=RETRIES, retry_condition_fn=retry_if_transient)
def validate_workbook(workbook: str) -> Plan:
    return load_plan(workbook)


@task(
    name="issue-batch",
    task_run_name="{label}",
    retries=RETRIES,
    retry_delay_seconds=exponential_backoff(backoff_factor=0.5),
    retry_condition_fn=retry_if_transient,
)
def issue_documents_batch(issuer: Issuer, jobs: list[Job], label: str) -> list[DocStatus]:
    attempt = int(current_task_run.run_count or 1)
    key = f"{issuer.flow_run_id}|{jobs[0].id}"
    finished = earlier_attempts(key)
    try:
        # The last attempt records a transient fault as the document's failure, not raising it.
        statuses = issue_batch(
            issuer, jobs, attempt=attempt, retry_transient=attempt <= RETRIES, finished=finished
        )
    except BaseException:
        keep_for_retry(key, finished)
        raise
    logger = get_run_logger()
    for s in statuses:
        logger.info("%s: %s (lần thử %d)", s.job.relpath, s.status, s.attempts)
    return statuses


def prefect_executor(issuer: Issuer, batches: Sequence[Sequence[Job]]) -> Iterator[DocStatus]:
    """Each batch as one Prefect task on the flow's task runner; statuses as batches finish."""
    futures: dict[PrefectFuture[list[DocStatus]], Sequence[Job]] = {}
    for batch in batches:
        label = batch[0].relpath if len(batch) == 1 else f"{batch[0].relpath} (+{len(batch) - 1})"
        futures[issue_documents_batch.submit(issuer, list(batch), label)] = batch
    for future in as_completed(list(futures)):
        # The final state, waited for: the future may finish before its state is recorded.
        result = future.result(raise_on_failure=False)
        if isinstance(result, list):
            yield from result
            continue
        # The task itself broke (a worker died, an error outside any document): every job of
        # the batch fails with it.
        exc = result if isinstance(result, BaseException) else RuntimeError(str(result))
        for job in futures[future]:
            status = failure(job, exc, RETRIES + 1)
            issuer.log_failure(job, status.reason or "", status.attempts)
            yield status


def _markdown(report: RunReport) -> str:
    lines = ["| Văn bản | Đơn vị | Tệp | Trạng thái | SHA-256 |", "|---|---|---|---|---|"]
    for s in report.statuses:
        lines.append(
            f"| {s.job.kind.label} | {s.job.unit_name or ''} | {s.job.relpath} | {s.status} | "
            f"{(s.sha256 or '')[:12]} |"
        )
    return "\n".join(lines)


_THREADS: Any = ThreadPoolTaskRunner(max_workers=WORKERS)


@flow(name="issue-documents", log_prints=False, task_runner=_THREADS)
def issue_documents(
    workbook: str,
    out_dir: str | None = None,
    units: list[str] | None = None,
    only: list[str] | None = None,
    force: bool = False,
    templates_dir: str | None = None,
    results_dir: str | None = None,
) -> RunReport:
    """Issue every document of the plan in ``workbook`` (or of some units, or some stages).

    ``results_dir`` is a folder of returned result forms, read into the units' results first.
    """
    logger = get_run_logger()
    # The command line's own display when it started this run here, else a progress artifact.
    progress = local_progress() or ArtifactProgress(only)
    # The plan and forms the command line validated, when it started this run here: read once.
    handed = validated_plan(workbook, results_dir)
    if handed is not None:
        plan, forms = handed
    else:
        plan, forms = collect_forms(validate_workbook(workbook), results_dir, workbook)
    report = run_issue(
        plan,
        forms=forms,
        out_dir=out_dir,
        units=units,
        only=only,
        force=force,
        templates_dir=templates_dir,
        execute=prefect_executor,
        flow_run_id=str(current_flow_run.id or ""),
        progress=progress,
    )
    if isinstance(progress, ArtifactProgress):
        progress.finish(f"Xong: {len(report.statuses)} văn bản, mã thoát {report.exit_code}")
    for path in report.recovered:
        logger.warning("%s: ghi nhận lại sau lần chạy bị ngắt", path)
    for s in report.statuses:
        if s.status == "failed":
            logger.error("%s: thất bại sau %d lần thử", s.job.relpath, s.attempts)
    create_markdown_artifact(
        key="vanban-run", markdown=_markdown(report), description="Văn bản đã phát hành"
    )
    return report


def issue_flow(dask: bool = False) -> Any:
    """The flow, on the thread pool or on a local Dask cluster of worker processes."""
    if not dask:
        return issue_documents
    try:
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError:
        raise VanbanError(
            "Chạy với --dask cần gói prefect-dask: cài bằng pip install 'vanban[dask]'."
        ) from None

    runner: Any = DaskTaskRunner(cluster_kwargs={"n_workers": WORKERS, "threads_per_worker": 1})
    return issue_documents.with_options(task_runner=runner)
