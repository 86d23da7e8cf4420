"""A run started from vanban's command line: the flow runs in the command's own process.

The command line chooses the server (see ``vanban.server``) and draws the progress; this
module points Prefect at that server for the run, hands the flow the progress display, and
waits for Prefect's log and event queues to reach the server before the command stops it.
"""

from __future__ import annotations

import os
from typing import Any

import httpx
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

from .handoff import handing_over
from .issue import issue_flow

# Long enough for a busy server to take the last logs and events; a run never hangs on them.
DRAIN_TIMEOUT = 10.0
_HEARTBEAT_SETTINGS = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


def run_locally(
    prepared: PreparedRun,
    *,
    api_url: str,
    progress: Progress | None,
    dask: bool = False,
) -> RunReport:
    """Run the flow here against ``api_url`` on the run ``prepared`` (``vanban.prepare_run``),
    reporting to ``progress``; the flow's report.

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
    with temporary_settings(updates=updates), handing_over(prepared, progress):
        try:
            report: RunReport = issue_flow(dask)(**prepared.request.parameters())
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
    return report


def _answers(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=5.0, trust_env=False).is_success
    except httpx.HTTPError:
        return False
