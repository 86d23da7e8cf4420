"""A command-line run on Dask: its cluster started ahead, on loopback, the plan sent once.

``vanban run --dask`` starts its local cluster while the workbook is read (``warm_up``); the run
takes that cluster, sends the plan to each worker once rather than with every batch, gives the
library's bytes, and closes the cluster after.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_ISSUED
from tests.running_the_flow.test_dask import _documents
from vanban.issuing.parcel import IssuerParcel
from vanban.issuing.run import issue_prepared
from vanban.prepare import prepare_run

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


def test_a_run_takes_the_cluster_started_ahead_and_sends_the_plan_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL
    from vanban_flows import cluster as clusters
    from vanban_flows import local_run

    api_url = str(PREFECT_API_URL.value())
    made: list[Any] = []
    real_init = clusters.LocalDask.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(clusters.LocalDask, "__init__", counted)
    packed = []
    real_getstate = IssuerParcel.__getstate__

    def counting_getstate(self: IssuerParcel) -> dict[str, Any]:
        packed.append(self)
        return real_getstate(self)

    monkeypatch.setattr(IssuerParcel, "__getstate__", counting_getstate)

    started = local_run.warm_up(api_url, dask=True, workers=1)
    assert started is not None
    address = started.address()
    assert address.startswith("tcp://127.0.0.1:")  # loopback only
    cluster = started._ready.result()
    _serves_nothing_over_http(cluster)

    prepared = prepare_run(str(EXAMPLE), out_dir=str(tmp_path / "dask"))
    report = local_run.run_locally(prepared, api_url=api_url, progress=None, dask=True, workers=1)
    assert report.exit_code == 0 and report.count("issued") == EXAMPLE_ISSUED
    assert made == [started]  # no second cluster
    # The run closes it, in the background: the report does not wait for it.
    deadline = time.monotonic() + 60
    while cluster.status.name != "closed" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cluster.status.name == "closed"
    # The example's stages go in several batches; the plan crossed to the worker once.
    assert len(packed) == 1

    library = issue_prepared(prepare_run(str(EXAMPLE), out_dir=str(tmp_path / "library")))
    assert library.count("issued") == EXAMPLE_ISSUED
    on_dask, by_library = _documents(tmp_path / "dask"), _documents(tmp_path / "library")
    assert on_dask.keys() == by_library.keys()
    assert [p for p in on_dask if on_dask[p] != by_library[p]] == []


def _serves_nothing_over_http(cluster: Any) -> None:
    """The scheduler's and the workers' HTTP servers (Dask starts them even without a
    dashboard): on loopback, and not one page of status, tasks or metrics to any web page."""
    import httpx

    info = cluster.scheduler_info
    ports = [info["services"]["dashboard"]]
    ports += [w["services"]["dashboard"] for w in info["workers"].values()]
    assert len(ports) == 2
    for port in ports:
        for path in ("/health", "/status", "/json/identity.json", "/info/main/workers.html",
                     "/metrics", "/statics/"):  # fmt: skip
            assert httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10).status_code == 404


def test_warming_up_an_unreachable_server_is_no_error() -> None:
    from vanban_flows.local_run import warm_up

    # Best effort: the run itself checks the server again and says what is wrong.
    assert warm_up("http://127.0.0.1:9/api") is None


def test_what_is_sent_to_every_worker_stays_on_every_worker() -> None:
    """The plan goes to each worker once (``scatter``); Dask's memory manager, which runs every
    two seconds, used to take the copies back as surplus, and the scheduler then gave every
    batch to the one worker left holding the plan while the other waited."""
    from distributed import Client
    from prefect.settings import PREFECT_API_URL
    from vanban_flows.cluster import LocalDask

    started = LocalDask(2, str(PREFECT_API_URL.value()))
    try:
        with Client(started.address()) as client:
            sent = client.scatter(bytes(100_000), broadcast=True, hash=False)
            assert len(client.who_has(sent)[sent.key]) == 2
            time.sleep(3)  # past the memory manager's next round
            assert len(client.who_has(sent)[sent.key]) == 2
    finally:
        started.close()
