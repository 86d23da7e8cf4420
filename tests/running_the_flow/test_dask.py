"""The flow's tasks on a local Dask cluster of worker processes give the thread pool's bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, EXAMPLE_ISSUED

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]


def _documents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*.docx"))
        if ".history" not in p.parts
    }


def test_two_dask_workers_issue_the_same_bytes_as_the_thread_pool(tmp_path: Path) -> None:
    from vanban_flows.issue import issue_flow

    threads = issue_flow(dask=False)(str(EXAMPLE), out_dir=str(tmp_path / "threads"))
    dask = issue_flow(dask=True)(str(EXAMPLE), out_dir=str(tmp_path / "dask"))
    assert threads.exit_code == 0 and dask.exit_code == 0
    assert dask.count("issued") == threads.count("issued") == EXAMPLE_ISSUED
    on_threads, on_dask = _documents(tmp_path / "threads"), _documents(tmp_path / "dask")
    assert on_dask.keys() == on_threads.keys()
    assert [p for p in on_dask if on_dask[p] != on_threads[p]] == []
