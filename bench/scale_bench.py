"""A province-sized plan through the real flow: N units × M households, every unit with a roster.

Prints, for the plan and for one a tenth its size: documents/s and personal letters/s through
the library's own run, the flow on the thread pool and the flow on Dask (2 workers and 1), the
peak RSS of the whole process tree, t(N)/t(N/10) and Dask's 2-worker speed-up. Asserts nothing.

Run: ``python -m bench.scale_bench [--units 1000] [--households 100] [--skip-dask]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from tools.example_workbook import fill, seed_data
from vanban.issuing.run import run_issue
from vanban.workbook.blank import build_blank_workbook
from vanban.workbook.loader import load_plan


def synthetic_workbook(path: Path, units: int, households: int) -> Path:
    d = seed_data()
    poor = households // 2
    names = [f"Số {i}" for i in range(1, units + 1)]
    d["units"] = [("ấp", name, poor, households - poor) for name in names]
    d["funding"] = [(f"Ấp {name}", 200_000) for name in names]
    d["tiers"] = []
    d["plan"]["budget"] = 200_000 * units
    d["roster_units"] = [f"Ấp {name}" for name in names]
    fill(build_blank_workbook(), mark_illustrative=False, data=d).save(path)
    return path


class PeakRSS:
    """The largest resident memory of this process and all its children, sampled every 0.2 s."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(label: str, run: Callable[[], Any], letters: int, cores: int = 1) -> float:
    """Run once; print the rates, the rate per core it rendered on, and the peak memory."""
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        report = run()
        elapsed = time.perf_counter() - t0
    docs = report.count("issued")
    print(
        f"  {label:<28} {elapsed:8.1f} s  {docs / elapsed:8.1f} văn bản/s  "
        f"{letters / elapsed:9.0f} thư/s  {letters / elapsed / cores:7.0f} thư/s/lõi  "
        f"RSS đỉnh {rss.peak / 2**20:7.0f} MiB"
    )
    return elapsed


def use_local_server() -> None:
    """The server a run of ``vanban run`` would use: PREFECT_API_URL, else the local one."""
    from vanban.cli.server import prefect_home, running_local

    if not os.environ.get("PREFECT_API_URL"):
        url = running_local(prefect_home())
        if url:
            os.environ["PREFECT_API_URL"] = url
    where = (
        os.environ.get("PREFECT_API_URL")
        or "máy chủ tạm của Prefect (chưa chạy vanban server start)"
    )
    print(f"Máy chủ Prefect: {where}")


def bench(units: int, households: int, dask: bool) -> dict[str, float]:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    # Dask's own start-up and shutdown lines, in this process and in its workers.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    logging.getLogger("distributed").setLevel(logging.ERROR)
    from vanban_flows.issue import issue_documents, issue_flow

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        wb = synthetic_workbook(Path(tmp) / "plan.xlsx", units, households)
        plan = load_plan(wb)
        letters = sum(len(u.invitees) for u in plan.units)
        print(f"{units} đơn vị × {households} hộ: {letters} thư mời riêng")
        results["lib"] = timed(
            "thư viện (một tiến trình)",
            lambda: run_issue(plan, out_dir=Path(tmp) / "lib"),
            letters,
        )
        results["threads"] = timed(
            "luồng Prefect, thread pool",
            lambda: issue_documents(str(wb), out_dir=str(Path(tmp) / "threads")),
            letters,
        )
        if dask:
            from prefect_dask.task_runners import DaskTaskRunner

            for workers in (2, 1):
                runner: Any = DaskTaskRunner(
                    cluster_kwargs={"n_workers": workers, "threads_per_worker": 1}
                )
                flow = issue_flow(False).with_options(task_runner=runner)
                out = str(Path(tmp) / f"dask{workers}")

                def on_dask(flow: Any = flow, out: str = out) -> Any:
                    return flow(str(wb), out_dir=out)

                results[f"dask{workers}"] = timed(
                    f"luồng Prefect, Dask {workers} worker", on_dask, letters, workers
                )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    use_local_server()
    small = bench(max(1, args.units // 10), args.households, not args.skip_dask)
    large = bench(args.units, args.households, not args.skip_dask)
    print("Tỉ số:")
    for key in large:
        print(f"  t(N)/t(N/10) {key}: {large[key] / small[key]:.1f}")
    print(f"  luồng thread pool / thư viện: {large['threads'] / large['lib']:.2f}")
    if "dask2" in large:
        print(f"  Dask 2 worker so với 1 worker: {large['dask1'] / large['dask2']:.2f}× nhanh hơn")


if __name__ == "__main__":
    main()
