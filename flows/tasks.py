"""The Prefect task that issues a batch of documents, and the executor that runs the batches.

``issue_prepared`` hands each stage's batches to :func:`prefect_executor`, which submits one task
per batch to the flow's task runner (threads, or Dask worker processes). The issuer travels as
a parcel and the jobs as ids (``vanban.issuing.parcel``), so neither Prefect nor Dask walks or
pickles the plan once per batch; on Dask the parcel is sent to each worker once per run and the
batches carry a reference to it. Each batch logs one line, not one per document. Only transient
faults are retried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import task_run as current_task_run
from prefect.tasks import Task, exponential_backoff

from vanban.errors import is_retryable
from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import DocStatus, Job
from vanban.issuing.parcel import IssuerParcel, StatusRecord, parcel_of, record_of, status_of
from vanban.issuing.run import earlier_attempts, failure, issue_batch, keep_for_retry

RETRIES = 3


def retry_if_transient(task: Task[Any, Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Prefect's retry_condition_fn: retry only what another attempt can fix."""
    try:
        state.result()
    except BaseException as exc:  # noqa: BLE001 - we classify, not handle
        return is_retryable(exc)
    return False


@task(
    name="issue-batch",
    task_run_name="{label}",
    retries=RETRIES,
    retry_delay_seconds=exponential_backoff(backoff_factor=0.5),
    retry_condition_fn=retry_if_transient,
    # Never skip a batch as "already done": whether a document is current is the run's to say.
    cache_policy=NO_CACHE,
)
def issue_documents_batch(
    parcel: IssuerParcel, job_ids: list[str], label: str
) -> list[StatusRecord]:
    issuer = parcel.open()[0]
    jobs = parcel.jobs(job_ids)
    attempt = int(current_task_run.run_count or 1)
    key = f"{issuer.flow_run_id}|{jobs[0].id}"
    finished = earlier_attempts(key)
    try:
        # The last attempt records a transient fault as the document's failure, not raising it.
        statuses = issue_batch(
            issuer, jobs, attempt=attempt, retry_transient=attempt <= RETRIES, finished=finished
        )
    except BaseException as exc:
        if attempt <= RETRIES and is_retryable(exc):  # what the next attempt will need
            keep_for_retry(key, finished)
        raise
    _log(label, statuses)
    return [record_of(s) for s in statuses]


def _log(label: str, statuses: list[DocStatus]) -> None:
    """One line per batch, and one per failed document: every log line is a row the server
    writes, and a line per document cost a 1.000-unit run thousands of them. The run's artifact
    lists every document."""
    logger = get_run_logger()
    counts = ", ".join(f"{k} {n}" for k, n in Counter(s.status for s in statuses).items())
    logger.info("%s: %d văn bản (%s)", label, len(statuses), counts)
    for s in statuses:
        if s.status == "failed":
            logger.warning("%s: thất bại (lần thử %d): %s", s.job.relpath, s.attempts, s.reason)


def prefect_executor(issuer: Issuer, batches: Sequence[Sequence[Job]]) -> Iterator[DocStatus]:
    """Each batch as one Prefect task on the flow's task runner; statuses as batches finish."""
    parcel = _sent(parcel_of(issuer))
    jobs = {job.id: job for batch in batches for job in batch}
    futures: dict[PrefectFuture[list[StatusRecord]], Sequence[Job]] = {}
    for batch in batches:
        label = batch[0].relpath if len(batch) == 1 else f"{batch[0].relpath} (+{len(batch) - 1})"
        ids = [job.id for job in batch]
        futures[issue_documents_batch.submit(parcel, ids, label)] = batch
    for future in as_completed(list(futures)):
        # The final state, waited for: the future may finish before its state is recorded.
        result = future.result(raise_on_failure=False)
        if isinstance(result, list):
            yield from (status_of(record, jobs) for record in result)
            continue
        # The task itself broke (a worker died, an error outside any document): every job of
        # the batch fails with it.
        exc = result if isinstance(result, BaseException) else RuntimeError(str(result))
        for job in futures[future]:
            status = failure(job, exc, RETRIES + 1)
            issuer.log_failure(job, status.reason or "", status.attempts)
            yield status


def _sent(parcel: IssuerParcel) -> Any:
    """What each batch's task is given for the issuer: the parcel itself on the thread pool; on
    Dask, the parcel sent once to every worker of the cluster (``scatter``), so that a batch
    carries a reference and not the plan. A 1.000-unit plan's parcel is megabytes, and sent with
    each batch it crossed the scheduler dozens of times a run."""
    context = FlowRunContext.get()
    client = _dask_client(context.task_runner if context else None)
    if client is None:
        return parcel
    if parcel.remote is None:
        parcel.remote = client.scatter(parcel, broadcast=True, hash=False)
    return parcel.remote


def _dask_client(runner: object) -> Any:
    try:
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError:
        return None
    return runner.client if isinstance(runner, DaskTaskRunner) else None
