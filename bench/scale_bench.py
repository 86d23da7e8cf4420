"""A province-sized plan through the real flow: N units × M households, every unit with a roster.

Prints, for the plan and for one a tenth its size: documents/s and personal letters/s through
the library's own run, the flow on the thread pool and the flow on Dask (2 workers and 1), the
letters/s per core that rendered, the peak RSS of the run's whole process tree, t(N)/t(N/10)
and Dask's 2-worker speed-up. Asserts nothing.

Each run is a fresh process that reads the workbook itself, as ``vanban run`` does, so that its
time and memory are its own: nothing read or built by an earlier run is counted or reused. It
prints the time to read and validate the workbook and, apart, the time to issue every document
(the rates are of the latter); the memory is the peak of both, Dask's worker processes included.

Run: ``python -m bench.scale_bench [--units 1000] [--households 100] [--skip-dask]``. It uses the
Prefect server a ``vanban run`` would: ``PREFECT_API_URL``, else the one ``vanban server start``
keeps, else a temporary one.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from tools.example_workbook import many_units, write_workbook

MODES = {  # mode: (label, cores it renders on)
    "lib": ("thư viện (một tiến trình)", 1),
    "threads": ("luồng Prefect, thread pool", 1),  # the GIL: one core renders
    "dask2": ("luồng Prefect, Dask 2 worker", 2),
    "dask1": ("luồng Prefect, Dask 1 worker", 1),
}


def synthetic_workbook(path: Path, units: int, households: int) -> Path:
    return write_workbook(path, many_units(units, households))


class PeakRSS:
    """The largest resident memory of process ``pid`` and all its children, every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self._root = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                tree = [self._root, *self._root.children(recursive=True)]
            except psutil.Error:
                tree = []
            for proc in tree:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_child(mode: str, workbook: str, out: str) -> None:
    """One run, in this fresh process; prints its time and count as the last line (JSON)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    # Dask's own start-up and shutdown lines, in this process and in its workers.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    logging.getLogger("distributed").setLevel(logging.ERROR)
    from vanban.prepare import prepare_run

    started = time.perf_counter()
    prepared = prepare_run(workbook, out_dir=out)  # read once, as `vanban run` does
    prepared.raise_errors()
    read = time.perf_counter() - started
    report: Any
    if mode == "lib":
        from vanban.issuing.run import issue_prepared

        report = issue_prepared(prepared)
    else:
        from vanban_flows.handoff import handing_over
        from vanban_flows.issue import issue_flow

        if mode.startswith("dask"):
            flow = issue_flow(True, workers=int(mode.removeprefix("dask")))
        else:
            flow = issue_flow(False)
        with handing_over(prepared):
            report = flow(**prepared.request.parameters())
    elapsed = time.perf_counter() - started - read
    print(json.dumps({"read": read, "elapsed": elapsed, "issued": report.count("issued")}))


def timed(mode: str, workbook: Path, out: Path, letters: int) -> float:
    """Run ``mode`` in a child process; print the rates, the rate per core, the peak memory."""
    command = [sys.executable, "-m", "bench.scale_bench", "--child", mode, str(workbook), str(out)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    with PeakRSS(child.pid) as rss:
        output, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"{mode}: the run failed (exit {child.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    elapsed, docs = result["elapsed"], result["issued"]
    label, cores = MODES[mode]
    print(
        f"  {label:<28} đọc {result['read']:6.1f} s  phát hành {elapsed:6.1f} s  "
        f"{docs / elapsed:7.1f} văn bản/s  "
        f"{letters / elapsed:9.0f} thư/s  {letters / elapsed / cores:7.0f} thư/s/lõi  "
        f"RSS đỉnh {rss.peak / 2**20:7.0f} MiB",
        flush=True,
    )
    return float(elapsed)


def use_local_server() -> None:
    """The server a run of ``vanban run`` would use: PREFECT_API_URL, else the local one."""
    from vanban.server.home import prefect_home
    from vanban.server.local import running_local

    if not os.environ.get("PREFECT_API_URL"):
        url = running_local(prefect_home())
        if url:
            os.environ["PREFECT_API_URL"] = url
    where = os.environ.get("PREFECT_API_URL") or "máy chủ tạm (chưa chạy vanban server start)"
    print(f"Máy chủ Prefect: {where}")


def bench(units: int, households: int, dask: bool) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        wb = synthetic_workbook(Path(tmp) / "plan.xlsx", units, households)
        # Each household and each of the unit's committee members and officials gets a letter.
        from vanban.workbook.loader import load_plan

        letters = sum(len(u.invitees) for u in load_plan(wb).units)
        print(f"{units} đơn vị × {households} hộ: {letters} thư mời riêng", flush=True)
        for mode in ("lib", "threads", *(("dask2", "dask1") if dask else ())):
            results[mode] = timed(mode, wb, Path(tmp) / mode, letters)
    return results


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        run_child(*sys.argv[2:])
        return
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
