"""A run's local Dask cluster: started while the workbook is read, its workers ready before work.

A cluster of worker processes costs seconds to start: each worker is a new Python process that
imports Prefect and vanban, and its first task would also open Prefect's client and check the
server's version. A run started from the command line (``vanban run --dask``) starts its cluster
in the background with the server (see ``local_run.warm_up``), so those seconds pass while the
workbook is read and checked; the flow then connects to it by address and the run closes it.
"""

from __future__ import annotations

import inspect
import logging
import threading
from concurrent.futures import Future
from typing import Any

from vanban.errors import VanbanError

# Long enough for a busy server to take a worker's last logs and events; a run never hangs on them.
DRAIN_TIMEOUT = 10.0


def dask_modules() -> Any:
    """``distributed``, with Dask's configuration for vanban's clusters set in this process
    (below), or the error that says which extra to install."""
    try:
        import dask
        import distributed
        import prefect_dask  # noqa: F401 - the task runner the flow needs with them
    except ImportError:
        raise VanbanError(
            "Chạy với --dask cần gói prefect-dask: cài bằng pip install 'vanban[dask]'."
        ) from None
    # Dask's nanny has glibc give freed memory back to the system past 64 KiB. Rendering frees
    # a megabyte of XML for each letters file, and trimming that much so often cost a worker a
    # quarter of its time; glibc's own default adapts, and memory stays bounded all the same.
    # And every worker has a thread walk its stack every 10 ms for Dask's dashboard, which
    # vanban does not serve: time taken from the rendering for nothing.
    # The scheduler and each worker serve HTTP besides their own protocol (status pages, JSON of
    # the tasks, metrics) even with no dashboard: any web page the clerk visits could ask, so
    # they serve no route at all.
    # The plan's parcel is sent to every worker once (``tasks._sent``), and Dask's memory
    # manager took the copies back within two seconds as surplus: the scheduler then gave every
    # batch to the one worker left holding it, and the other waited for a batch to be stolen
    # (measured on 1.000 units: a stage's second worker started 0.4-1.9 s late, and took one
    # of its four batches instead of two).
    dask.config.set({
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        "distributed.worker.profile.enabled": False,
        "distributed.scheduler.http.routes": [],
        "distributed.worker.http.routes": [],
        "distributed.scheduler.active-memory-manager.start": False,
    })  # fmt: skip
    return distributed


def cluster_options(workers: int) -> dict[str, Any]:
    """A local cluster of ``workers`` single-threaded processes, on loopback only.

    One thread each: rendering holds the GIL. Everything listens on 127.0.0.1, on ports the
    kernel picks, and no dashboard is served: nothing of a run is offered to the network.
    Each worker imports the task's modules (Prefect, vanban) as it starts, all at once, rather
    than when its first batch arrives, one worker after the other.
    """
    return {
        # Dask's own lines (a worker's start, a connection closed at shutdown) are no news to a
        # clerk: what fails in a batch is the run's to say.
        "silence_logs": logging.CRITICAL,
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        # Dask's HTTP server (of no routes, above) on a free port rather than on 8787, which a
        # second cluster would find taken and warn about in the clerk's terminal.
        "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
        "preload": ["vanban_flows.tasks"],
    }


def _warm_worker(api_url: str) -> None:
    """In each worker: what its first task would do before its first document."""
    from vanban_flows.local_run import warm_up

    warm_up(api_url)


async def _drain_worker() -> None:
    """In each worker: what Prefect still holds of the run's logs and events, sent.

    Dask runs it in the worker's event loop, where Prefect's ``drain_all`` gives a coroutine."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        drained = service.drain_all(timeout=DRAIN_TIMEOUT)
        if inspect.isawaitable(drained):
            await drained


class LocalDask:
    """A local cluster of ``workers`` processes, started in a thread as soon as it is made."""

    def __init__(self, workers: int, api_url: str) -> None:
        self.workers = workers
        self._ready: Future[Any] = Future()
        thread = threading.Thread(
            target=self._start, args=(api_url,), name="vanban-dask", daemon=True
        )
        thread.start()

    def _start(self, api_url: str) -> None:
        try:
            distributed = dask_modules()
            cluster = distributed.LocalCluster(**cluster_options(self.workers))
            try:
                with distributed.Client(cluster) as client:
                    client.run(_warm_worker, api_url)
            except BaseException:
                cluster.close()
                raise
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the cluster
            self._ready.set_exception(exc)
        else:
            self._ready.set_result(cluster)

    def address(self) -> str:
        """The scheduler's address, once the cluster and its workers are up."""
        return str(self._ready.result().scheduler_address)

    def close(self) -> None:
        try:
            cluster = self._ready.result()
        except BaseException:  # noqa: BLE001 - it never started: nothing to close
            return
        cluster.close()

    def close_later(self) -> None:
        """Close it in a thread: closing takes a worker a second (measured 0.5-1.0 s), which the
        run's summary need not wait for. Not a daemon: the process still waits for it.

        The workers' Prefect logs and events reach the server first: a temporary server stops
        with the command, and a worker that sent them as it closed would print an error.
        """
        try:
            cluster = self._ready.result()
            with dask_modules().Client(cluster) as client:
                client.run(_drain_worker)
        except BaseException:  # noqa: BLE001 - closing is all that is left to do
            pass
        threading.Thread(target=self.close, name="vanban-dask-close").start()


__all__ = ["LocalDask", "cluster_options", "dask_modules"]
