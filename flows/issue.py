"""The Prefect flow that issues a plan's documents: thin orchestration over ``vanban``.

``issue_documents`` validates the workbook once, then runs the stages in order (plan, annex,
invitations, unit reports, summary), one task per document; a stage starts only when the one
before it had no failure. Tasks retry transient I/O faults only (``vanban.errors.is_retryable``);
bad input and broken templates fail at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.client.schemas.objects import State, TaskRun
from prefect.futures import PrefectFuture, wait
from prefect.runtime import flow_run as current_flow_run
from prefect.runtime import task_run as current_task_run
from prefect.tasks import Task, exponential_backoff

from vanban.errors import is_retryable
from vanban.issuing import (
    DocStatus,
    Issuer,
    Job,
    RunReport,
    default_out_dir,
    plan_jobs,
    select_units,
    stages_of,
)
from vanban.loader import load_plan
from vanban.locking import folder_lock
from vanban.model import Plan
from vanban.render import default_templates_dir
from vanban.storage import clean_stray_temps

RETRIES = 3


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


# Attempts per document, read by the flow to log a failure with how often it was tried.
_attempts: dict[str, int] = {}


@task(
    name="issue-document",
    task_run_name="{job.relpath}",
    retries=RETRIES,
    retry_delay_seconds=exponential_backoff(backoff_factor=0.5),
    retry_condition_fn=retry_if_transient,
)
def issue_document(issuer: Issuer, job: Job) -> DocStatus:
    attempt = int(current_task_run.run_count or 1)
    _attempts[job.id] = attempt
    status = issuer.issue(job, attempts=attempt)
    get_run_logger().info("%s: %s (lần thử %d)", job.relpath, status.status, attempt)
    return status


def _markdown(report: RunReport) -> str:
    lines = ["| Văn bản | Đơn vị | Tệp | Trạng thái | SHA-256 |", "|---|---|---|---|---|"]
    for s in report.statuses:
        lines.append(
            f"| {s.job.kind.label} | {s.job.unit_name or ''} | {s.job.relpath} | {s.status} | "
            f"{(s.sha256 or '')[:12]} |"
        )
    return "\n".join(lines)


@flow(name="issue-documents", log_prints=False)
def issue_documents(
    workbook: str,
    out_dir: str | None = None,
    units: list[str] | None = None,
    only: list[str] | None = None,
    force: bool = False,
    templates_dir: str | None = None,
) -> RunReport:
    """Issue every document of the plan in ``workbook`` (or of some units, or some stages)."""
    logger = get_run_logger()
    plan = validate_workbook(workbook)
    chosen = select_units(plan, units)
    target = Path(out_dir) if out_dir else default_out_dir(plan)
    report = RunReport(target)
    issuer = Issuer(
        plan,
        target,
        Path(templates_dir) if templates_dir else default_templates_dir(),
        flow_run_id=str(current_flow_run.id or ""),
        force=force,
    )
    target.mkdir(parents=True, exist_ok=True)
    with folder_lock(target):
        clean_stray_temps(target)
        for path in issuer.recover():
            logger.warning("%s: ghi nhận lại sau lần chạy bị ngắt", path)
        failed_stage: str | None = None
        for stage, jobs in stages_of(plan_jobs(plan, units=chosen, only=only)):
            if failed_stage is not None:
                reason = f"giai đoạn trước ({failed_stage}) có lỗi"
                report.statuses += [DocStatus(j, "not_attempted", reason) for j in jobs]
                continue
            ready = [j for j in jobs if j.pending is None]
            report.statuses += [DocStatus(j, "pending", j.pending) for j in jobs if j.pending]
            futures: list[PrefectFuture[DocStatus]] = [
                issue_document.submit(issuer, j) for j in ready
            ]
            wait(futures)
            for job, fut in zip(ready, futures, strict=True):
                state = fut.state
                if state.is_completed():
                    report.statuses.append(fut.result())
                    continue
                error = state.result(raise_on_failure=False)
                attempts = _attempts.get(job.id, 1)
                exc = error if isinstance(error, BaseException) else RuntimeError(str(error))
                issuer.log_failure(job, exc, attempts)
                report.statuses.append(DocStatus(job, "failed", str(exc), attempts=attempts))
                failed_stage = stage
                logger.error("%s: thất bại sau %d lần thử", job.relpath, attempts)
        issuer.write_manifest(report)
    create_markdown_artifact(
        key="vanban-run", markdown=_markdown(report), description="Văn bản đã phát hành"
    )
    return report


def issue_flow(dask: bool = False) -> Any:
    """The flow, on Prefect's default thread pool or on a local Dask cluster for larger work."""
    if not dask:
        return issue_documents
    from prefect_dask.task_runners import DaskTaskRunner

    runner: Any = DaskTaskRunner()
    return issue_documents.with_options(task_runner=runner)
