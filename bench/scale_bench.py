"""A province-sized plan through the real flow: N units × M households, every unit with a roster.

For the plan and for one a tenth its size, each in a fresh process as ``vanban run`` runs it:
the library's own run, then the flow on the thread pool and on a local Dask cluster of 2 workers
and of 1, on Prefect's temporary server (what a clerk gets by default) and on a local server
(``vanban server start``). Each line prints the server's and the cluster's start-up apart (a
command-line run starts both while it reads the workbook), the time to read and check the
workbook, the time to issue every document (the rates are of that), the letters per second
per core that rendered, the peak memory of the run's whole process tree (Dask's workers and a
temporary server included) and of its largest worker. Then the ratios the scale issue asks
for, and the workbook read side by side by the reference reader (openpyxl) and vanban's own.
Asserts nothing.

Run: ``python -m bench.scale_bench [--units 1000] [--households 100] [--skip-dask]
[--servers temporary,local] [--baseline REV] [--repeat N]``. With ``--repeat``, every mode runs
N times, the modes in turn, and each line is the run of median issuing time, with the spread of
all N after it: on a shared machine one run of a mode can be a fifth slower than the next.
The library runs again among each server's modes, so that a flow's ratio to it is of runs made
in turn.
It uses a Prefect home of its own, in a temporary folder. With ``--baseline``, the library and
the reader of git revision REV (today's, before a change) run too, side by side, and the ratios
say how far this tree is from it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from bench._env import ROOT, baseline_tree, kept_env
from tools.example_workbook import many_units, write_workbook

MODES = {  # mode: (label, cores it renders on)
    "base": ("thư viện, mã của bản trước", 1),
    "lib": ("thư viện (một tiến trình)", 1),
    "threads": ("luồng Prefect, thread pool", 1),  # the GIL: one core renders
    "dask2": ("luồng Prefect, Dask 2 worker", 2),
    "dask1": ("luồng Prefect, Dask 1 worker", 1),
}
SERVERS = {"temporary": "máy chủ tạm", "local": "máy chủ cục bộ"}


@dataclass
class Result:
    start: float
    cluster: float
    read: float
    issue: float
    issued: int
    tasks: int
    peak: int
    worker_peak: int


class PeakRSS:
    """The largest resident memory of process ``pid`` with all its children, and of its largest
    worker (a child that is no Prefect server), every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self.worker_peak = 0
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
                    rss = proc.memory_info().rss
                    server = proc is not self._root and "prefect" in " ".join(proc.cmdline())
                except psutil.Error:
                    continue
                total += rss
                if proc is not self._root and not server:
                    self.worker_peak = max(self.worker_peak, rss)
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class _Quiet:
    """The command line's progress display, drawing nothing."""

    def stage(self, stage: str, label: str, total: int) -> None:
        pass

    def done(self, status: object) -> None:
        pass


def run_child(mode: str, workbook: str, out: str) -> None:
    """One run in this fresh process, as ``vanban run`` makes it; prints its figures (JSON)."""
    from vanban.server.home import configure

    home = configure(verbose=False)
    started = time.perf_counter()
    start = cluster = 0.0
    connection = None
    if mode not in ("lib", "base"):
        from vanban.server.connection import connect, flow_module

        connection = connect(home)
        flows = flow_module()
        connection.wait_ready()
        flows.warm_up(connection.api_url)
        start = time.perf_counter() - started
        if mode.startswith("dask"):
            dask = flows.warm_up(connection.api_url, dask=True, workers=int(mode[4:]))
            dask.address()  # the workers up and warm
            cluster = time.perf_counter() - started - start
    try:
        from vanban.prepare import prepare_run

        begun = time.perf_counter()
        prepared = prepare_run(workbook, out_dir=out)
        prepared.raise_errors()
        read = time.perf_counter() - begun
        report: Any
        if connection is None:
            from vanban.issuing.run import issue_prepared

            report = issue_prepared(prepared)
        else:
            report = flows.run_locally(
                prepared,
                api_url=connection.api_url,
                progress=_Quiet(),
                dask=mode.startswith("dask"),
                workers=int(mode[4:] or 1) if mode.startswith("dask") else 1,
            )
        issue = time.perf_counter() - begun - read
    finally:
        if connection is not None:
            connection.close()
    figures = {"start": start, "cluster": cluster, "read": read, "issue": issue}
    tasks = _tasks(prepared, mode) if connection else 0
    print(json.dumps({**figures, "issued": report.count("issued"), "tasks": tasks}))


def _tasks(prepared: Any, mode: str) -> int:
    """How many Prefect tasks the flow ran: one per batch of each stage's ready documents."""
    from vanban_flows.issue import WORKERS

    from vanban.issuing.jobs import stages_of
    from vanban.issuing.run import batches_of

    workers = int(mode[4:]) if mode.startswith("dask") else WORKERS
    stages = stages_of(prepared.jobs, prepared.registry)
    ready = ([j for j in jobs if j.held is None] for _, jobs in stages)
    return sum(len(batches_of(jobs, workers)) for jobs in ready)


def timed(mode: str, workbook: Path, out: Path, base: Path | None = None) -> Result:
    """Run ``mode`` in a child process (the library of ``base`` for "base"), into ``out``."""
    command = [sys.executable, "-m", "bench.scale_bench", "--child", mode, str(workbook), str(out)]
    env, cwd = dict(os.environ), None
    if mode == "base" and base is not None:
        # Run from the old tree, so that its library comes first ("-m" puts the working
        # folder first on the path); the bench and the tools still come from this one.
        env["PYTHONPATH"] = os.pathsep.join([str(base), str(ROOT)])
        cwd = base
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=cwd)
    with PeakRSS(child.pid) as rss:
        output, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"{mode}: the run failed (exit {child.returncode})")
    shutil.rmtree(out)  # a run's documents are not looked at, and a national plan's are many
    figures = json.loads(output.strip().splitlines()[-1])
    return Result(**figures, peak=rss.peak, worker_peak=rss.worker_peak)


def shown(mode: str, runs: list[Result], letters: int) -> Result:
    """The run of ``mode`` with the median issuing time, printed with the spread of them all."""
    r = sorted(runs, key=lambda run: run.issue)[len(runs) // 2]
    label, cores = MODES[mode]
    worker = f"  worker lớn nhất {r.worker_peak / 2**20:5.0f} MiB" if r.tasks else ""
    spread = (
        f" ({min(x.issue for x in runs):.1f}-{max(x.issue for x in runs):.1f})"
        if len(runs) > 1
        else ""
    )
    print(
        f"  {label:<28} khởi động {r.start:5.1f} s + cụm {r.cluster:4.1f} s  đọc {r.read:5.1f} s"
        f"  phát hành {r.issue:6.1f} s{spread}  {r.issued / r.issue:6.1f} văn bản/s"
        f"  {letters / r.issue:6.0f} thư/s  {letters / r.issue / cores:6.0f} thư/s/lõi"
        f"  RSS đỉnh {r.peak / 2**20:5.0f} MiB{worker}",
        flush=True,
    )
    return r


def bench(
    wb: Path,
    modes: list[str],
    letters: int,
    out: Path,
    base: Path | None = None,
    repeat: int = 1,
) -> dict[str, Result]:
    """Each mode's run into a fresh folder of its own under ``out`` (nothing is "unchanged"),
    ``repeat`` rounds of every mode in turn, so that a busy moment of the machine falls on
    one run and not on one mode; each mode's median run."""
    runs: dict[str, list[Result]] = {mode: [] for mode in modes}
    for round_ in range(repeat):
        for mode in modes:
            runs[mode].append(timed(mode, wb, out / f"{mode}-{round_}", base))
    return {mode: shown(mode, results, letters) for mode, results in runs.items()}


def start_server(kind: str, home: Path) -> None:
    """Point this process's children at ``kind`` of server: a local one is started here."""
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.pop("PREFECT_API_URL", None)
    if kind == "local":
        from vanban.server.local import start_local
        from vanban.server.ports import free_port

        start_local(home, free_port())


def stop_server(kind: str, home: Path) -> None:
    if kind == "local":
        from vanban.server.local import stop_local

        stop_local(home)


def compare_readers(wb: Path, base: Path | None, rev: str) -> None:
    """The workbook read and checked by the reference reader (openpyxl), by vanban's own and
    by the code of ``base`` (today's), each in a process of its own, best of two."""
    from bench.read_bench import read_side_by_side

    read_side_by_side(wb, repeat=2, baseline=base, baseline_label=rev)


def ratios(server: str, small: dict[str, Result], large: dict[str, Result]) -> None:
    print(f"Tỉ số ({SERVERS[server]}):")
    for key in large:
        print(f"  t(N)/t(N/10) {MODES[key][0]}: {large[key].issue / small[key].issue:.1f}")
    for size, results in (("N/10", small), ("N", large)):
        lib = results["lib"].issue
        for key in ("threads", "dask1", "dask2"):
            if key in results:
                r = results[key]
                # What the flow adds to the library's own work, per Prefect task it ran (for two
                # workers, of the wall time: an upper bound, the library's work being halved).
                extra = (r.issue - lib / MODES[key][1]) / max(1, r.tasks)
                print(f"  {size}: {MODES[key][0]} / thư viện: {r.issue / lib:.2f}  "
                      f"({r.tasks} tác vụ, thêm {extra * 1000:.0f} ms mỗi tác vụ)")  # fmt: skip
        if "dask2" in results:
            d1, d2, th = results["dask1"].issue, results["dask2"].issue, results["threads"].issue
            print(f"  {size}: Dask 2 worker nhanh hơn 1 worker {d1 / d2:.2f}×, hơn thread pool "
                  f"{th / d2:.2f}×")  # fmt: skip


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        run_child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--servers", default="temporary,local")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each mode; the median is shown"
    )
    parser.add_argument(
        "--baseline", metavar="REV", help="also run the library and reader of git revision REV"
    )
    args = parser.parse_args()
    servers = [s for s in args.servers.split(",") if s]
    # The library runs again in each server's rounds: a flow's ratio to the library is then of
    # runs made minutes apart, in turn, not of runs made a quarter of an hour before.
    flow_modes = ["lib", "threads", *(() if args.skip_dask else ("dask2", "dask1"))]
    print(f"Máy: {os.cpu_count()} lõi, tải {os.getloadavg()[0]:.2f} lúc bắt đầu")
    with tempfile.TemporaryDirectory() as name, kept_env("PREFECT_HOME", "PREFECT_API_URL"):
        tmp = Path(name)
        base = baseline_tree(args.baseline, tmp / "baseline") if args.baseline else None
        sizes = (max(1, args.units // 10), args.units)
        workbooks = []
        for units in sizes:
            wb = write_workbook(tmp / f"plan-{units}.xlsx", many_units(units, args.households))
            from vanban.workbook.loader import load_plan

            letters = sum(len(u.invitees) for u in load_plan(wb).units)
            workbooks.append((units, wb, letters))
        runs: dict[str, list[dict[str, Result]]] = {s: [] for s in servers}
        for units, wb, letters in workbooks:
            print(f"{units} đơn vị × {args.households} hộ: {letters} thư mời riêng", flush=True)
            modes = ["lib", *(["base"] if base else [])]
            library = bench(wb, modes, letters, tmp / f"{units}-library", base, args.repeat)
            if base:
                print(f"  thư/s/lõi của thư viện so với bản trước: "
                      f"{library['base'].issue / library['lib'].issue:.2f}×")  # fmt: skip
            for server in servers:
                print(f" {SERVERS[server]}:", flush=True)
                start_server(server, tmp / f"home-{server}-{units}")
                try:
                    flows = bench(
                        wb, flow_modes, letters, tmp / f"{units}-{server}", repeat=args.repeat
                    )
                    # This server's rounds have a "lib" of their own: it replaces the block's.
                    runs[server].append({**library, **flows})
                finally:
                    stop_server(server, tmp / f"home-{server}-{units}")
        for server in servers:
            ratios(server, *runs[server])
        print("Đọc bảng tính lớn nhất, hai bộ đọc cạnh nhau:")
        compare_readers(workbooks[-1][1], base, args.baseline or "")
    print(f"Tải lúc kết thúc {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
