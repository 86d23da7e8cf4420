"""The Prefect flow that issues a plan's documents: thin orchestration over ``vanban``.

The run itself (validation, folder lock, recovery, stage gating, manifest) is the library's
``vanban.issuing.run.issue_prepared``; this module gives it what is Prefect's: the task per batch of
documents with retries of transient faults only (``tasks``), the run logger, the artifact and
the task runner. Bad input and broken templates fail at once and are never retried.
"""

from __future__ import annotations

import os
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.context import FlowRunContext
from prefect.runtime import flow_run as current_flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from vanban.issuing.jobs import RunReport
from vanban.issuing.prepared import PreparedRun, RunRequest
from vanban.issuing.run import issue_prepared
from vanban.prepare import prepare

from .cluster import cluster_options, dask_modules
from .handoff import local_progress, prepared_for
from .progress import ArtifactProgress
from .tasks import RETRIES, prefect_executor, retry_if_transient

# Rendering holds the GIL: more threads than cores gain nothing and only raise the peak memory
# of a large plan (Prefect's default is unbounded). Dask's local cluster gets as many processes.
WORKERS = max(1, min(4, os.cpu_count() or 1))


@task(name="validate-workbook", retries=RETRIES, retry_condition_fn=retry_if_transient)
def validate_workbook(request: RunRequest) -> PreparedRun:
    """Prepare the run (read the workbook and the forms once); bad input fails at once."""
    prepared = prepare(request)
    prepared.raise_errors()
    return prepared


def _markdown(report: RunReport) -> str:
    lines = ["| Văn bản | Đơn vị | Tệp | Trạng thái | SHA-256 |", "|---|---|---|---|---|"]
    for s in report.statuses:
        lines.append(
            f"| {s.job.kind.label} | {s.job.unit_name or ''} | {s.job.relpath} | {s.status} | "
            f"{(s.sha256 or '')[:12]} |"
        )
    return "\n".join(lines)


_THREADS: Any = ThreadPoolTaskRunner(max_workers=WORKERS)


def _workers_of_runner() -> int:
    """How many batches this flow run's task runner runs at once: it sizes the batches."""
    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    cluster = getattr(runner, "cluster_kwargs", None) or {}
    count = getattr(runner, "_max_workers", None) or cluster.get("n_workers")
    if not count and getattr(runner, "address", None):
        # A cluster found by address: its workers' threads, as its scheduler counts them.
        count = sum(runner.client.nthreads().values())  # type: ignore[union-attr]
    return max(1, int(count or WORKERS))


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
    request = RunRequest.from_parameters(
        workbook, out_dir, units, only, force, templates_dir, results_dir
    )
    # The command line's own display when it started this run here, else a progress artifact.
    progress = local_progress() or ArtifactProgress()
    # The run the command line prepared for these very parameters, else prepared here.
    prepared = prepared_for(request.parameters()) or validate_workbook(request)
    if isinstance(progress, ArtifactProgress):
        progress.expect(prepared.stages)
    report = issue_prepared(
        prepared,
        execute=prefect_executor,
        flow_run_id=str(current_flow_run.id or ""),
        progress=progress,
        workers=_workers_of_runner(),
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


def issue_flow(dask: bool = False, workers: int = WORKERS, address: str | None = None) -> Any:
    """The flow, on the thread pool or on Dask: the cluster at ``address``, else a local cluster
    of ``workers`` processes that the flow starts and stops (see ``cluster`` for one started
    ahead, while the workbook is read)."""
    if not dask:
        return issue_documents
    dask_modules()
    from prefect_dask.task_runners import DaskTaskRunner

    runner: Any = (
        DaskTaskRunner(address=address)
        if address
        else DaskTaskRunner(cluster_kwargs=cluster_options(workers))
    )
    return issue_documents.with_options(task_runner=runner)
