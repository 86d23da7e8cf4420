"""A run started from vanban's command line: the flow runs in the command's own process.

The command line chooses the server (see ``vanban.server``) and draws the progress; this
module points Prefect at that server for the run, hands the flow the progress display, and
waits for Prefect's log and event queues to reach the server before the command stops it.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import httpx
from prefect.client.orchestration import get_client
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogWorker
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    temporary_settings,
)

from vanban.errors import TransientIOError, VanbanError
from vanban.issuing.jobs import RunReport
from vanban.issuing.prepared import PreparedRun
from vanban.issuing.run import Progress

from .cluster import DRAIN_TIMEOUT, LocalDask
from .handoff import handing_over
from .issue import WORKERS, issue_flow

_HEARTBEAT_SETTINGS = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")
# The cluster warm_up started for the coming run, taken by that run.
_started: LocalDask | None = None
_started_lock = threading.Lock()


def run_locally(
    prepared: PreparedRun,
    *,
    api_url: str,
    progress: Progress | None,
    dask: bool = False,
    workers: int = WORKERS,
) -> RunReport:
    """Run the flow here against ``api_url`` on the run ``prepared`` (``vanban.prepare_run``),
    reporting to ``progress``; the flow's report. With ``dask``, on a local cluster of
    ``workers`` processes: the one :func:`warm_up` started, else one started now; closed after.

    The flow is called with the request's plain parameters, which Prefect stores; it takes the
    prepared run itself from this call's context (``handoff``) rather than reading the workbook
    and the forms again.
    """
    # Child processes (Dask workers) read the address from the environment.
    os.environ["PREFECT_API_URL"] = api_url
    updates: dict[Any, Any] = {PREFECT_API_URL: api_url}
    if not any(name in os.environ for name in _HEARTBEAT_SETTINGS):
        # Prefect's heartbeat thread sleeps in one-second steps and is joined when the flow
        # ends: up to a second on every run (measured: 0.6-1.1 s of a 3-4 s re-run). Only an
        # automation that looks for crashed runs reads heartbeats; whoever set one up sets the
        # frequency, and then it stays on.
        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    cluster = _cluster_for(api_url, workers) if dask else None
    with temporary_settings(updates=updates), handing_over(prepared, progress):
        try:
            address = cluster.address() if cluster is not None else None
            flow = issue_flow(dask, workers, address=address)
            report: RunReport = flow(**prepared.request.parameters())
        except VanbanError:
            raise  # vanban's own refusal (bad input, a held folder): the command line says it
        except Exception:
            if _answers(api_url):
                raise
            # The server went away (stopped, crashed, unreachable): a passing fault, not a bug.
            raise TransientIOError(
                f"Mất kết nối với máy chủ Prefect tại {api_url} giữa chừng: hãy chạy lại lệnh "
                "(văn bản đã phát hành đúng sẽ không bị ghi lại)."
            ) from None
        finally:
            APILogWorker.drain_all(timeout=DRAIN_TIMEOUT)
            EventsWorker.drain_all(timeout=DRAIN_TIMEOUT)
            if cluster is not None:
                cluster.close_later()
    return report


def _cluster_for(api_url: str, workers: int) -> LocalDask:
    """The cluster :func:`warm_up` started for this run if it fits, else a new one."""
    global _started
    with _started_lock:
        started, _started = _started, None
    if started is not None and started.workers == workers:
        return started
    if started is not None:
        started.close()
    return LocalDask(workers, api_url)


def warm_up(api_url: str, dask: bool = False, workers: int = WORKERS) -> LocalDask | None:
    """Do now what the process's first flow run would do before its first document; with
    ``dask``, start the run's local cluster of ``workers`` processes too (in the background).

    Called while the workbook is read (``vanban.server.connection.prepare_in_background``): a
    server's first answer is slow (it builds its routes and database session on demand) and
    Prefect checks the server's version once per process, imports the flow engine and FastAPI's
    encoder (for the run's parameters) on its first run: measured 0.7 s of a 100-unit run's 3 s.
    Best effort: what fails here is done again, and said, by the run itself. Returns the
    cluster started, if any (its ``address()`` waits for its workers).
    """
    global _started
    cluster = None
    if dask:
        os.environ["PREFECT_API_URL"] = api_url  # what the workers will report to
        with _started_lock:
            if _started is None:
                _started = LocalDask(workers, api_url)
            cluster = _started
    try:
        import fastapi.encoders  # noqa: F401 - what Prefect stores a flow's parameters with
        import prefect.flow_engine  # noqa: F401
        import prefect.task_engine  # noqa: F401
        import prefect.utilities.visualization  # noqa: F401 - imported by every flow call

        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            with get_client(sync_client=True) as client:
                client.raise_for_api_version_mismatch_once()
    except Exception:  # noqa: BLE001, S110 - the run itself checks again and says what failed
        pass
    return cluster


def _answers(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=5.0, trust_env=False).is_success
    except httpx.HTTPError:
        return False
