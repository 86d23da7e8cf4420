"""What ``vanban run`` costs on top of Prefect's own floor: an empty flow in a fresh process.

Run: ``python -m bench.run_bench [--repeat 3]``. Every figure is the wall time of a fresh process,
as the clerk waits for it (median of ``--repeat``, the samples in brackets), in a throwaway Prefect
home whose database the first, untimed run creates. It prints, then the ratios against the floor:

- with no server running: an empty flow on Prefect's ephemeral server; the example's first run
  with ``vanban run`` (its own temporary server, started while the workbook is validated); the
  same with the server waited for before validating (no overlap); and the example through
  Prefect's own ephemeral server, the flow called as ``vanban run`` did before it managed one;
- with a local server (``vanban server start``): an empty flow; the example's first run; a
  one-unit re-run (``--unit "Mỹ Quý"``, nothing changed).

Asserts nothing; targets are in the issue: first run ≤ 1.15× the empty flow on the ephemeral
default, one-unit re-run ≤ 1.2× the empty flow on a local server.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench._env import ROOT

EXAMPLE = ROOT / "inputs" / "thap-muoi-2022.xlsx"

EMPTY_FLOW = """
from prefect import flow

@flow(name="empty")
def empty() -> None:
    pass

empty()
"""

# `vanban run` with the temporary server waited for before the workbook is read: the thread that
# imports the flow and waits for the server runs inline instead.
NO_OVERLAP = """
import sys
import vanban.server.connection as connection

class Inline:
    def __init__(self, target, **kwargs):
        self.target = target

    def start(self):
        self.target()

connection.threading = type("threading", (), {"Thread": Inline})
from vanban.cli.app import main
sys.argv = ["vanban", *sys.argv[1:]]
main()
"""

# What `vanban run` did before it managed its server: validate, then call the flow, which starts
# Prefect's own ephemeral server when it first needs the API.
PREFECT_EPHEMERAL = """
import sys
from vanban.prepare import prepare_run
prepared = prepare_run(sys.argv[1], out_dir=sys.argv[2])
prepared.raise_errors()
from vanban_flows.handoff import handing_over
from vanban_flows.issue import issue_documents
with handing_over(prepared):
    report = issue_documents(**prepared.request.parameters())
sys.exit(report.exit_code)
"""


def timed(args: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])}… exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return elapsed


class Bench:
    def __init__(self, home: Path, repeat: int) -> None:
        self.home = home
        self.repeat = repeat
        self.env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        self.env |= {
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # as vanban sets them for itself
            "PREFECT_LOGGING_LEVEL": "CRITICAL",
            # Prefect's 20 s is too short for a busy machine; the same allowance as vanban's.
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        }
        self.results: dict[str, list[float]] = {}
        self._outs = 0

    def out(self) -> str:
        self._outs += 1
        return str(self.home / f"out-{self._outs}")

    def measure(self, cases: dict[str, Callable[[], float]]) -> None:
        # Rounds interleave the cases, so that a busy spell of the machine hits them alike.
        for _ in range(self.repeat):
            for label, case in cases.items():
                self.results.setdefault(label, []).append(case())

    def median(self, label: str) -> float:
        return statistics.median(self.results[label])

    def show(self, label: str) -> None:
        samples = ", ".join(f"{s:.1f}" for s in self.results[label])
        print(f"  {label:<58} {self.median(label):6.2f} s  [{samples}]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="vanban-run-bench-"))
    bench = Bench(home, args.repeat)
    env = bench.env
    vanban = ["-m", "vanban", "run", str(EXAMPLE)]
    try:
        timed(["-c", EMPTY_FLOW], env)  # creates the database: not timed
        print(f"{os.cpu_count()} lõi, tải {os.getloadavg()[0]:.1f}; lặp {args.repeat} lần")
        print("Không có máy chủ chạy sẵn:")
        bench.measure(
            {
                "luồng rỗng (máy chủ tạm của Prefect)": lambda: timed(["-c", EMPTY_FLOW], env),
                "vanban run, lần đầu (máy chủ tạm của vanban)": lambda: timed(
                    [*vanban, "--out", bench.out()], env
                ),
                "vanban run, lần đầu, không chạy song song": lambda: timed(
                    ["-c", NO_OVERLAP, "run", str(EXAMPLE), "--out", bench.out()], env
                ),
                "luồng gọi thẳng, lần đầu (máy chủ tạm của Prefect)": lambda: timed(
                    ["-c", PREFECT_EPHEMERAL, str(EXAMPLE), bench.out()], env
                ),
            }
        )
        for label in bench.results:
            bench.show(label)

        port = free_port()
        timed(["-m", "vanban", "server", "start", "--port", str(port)], env)
        local_out = bench.out()
        local = {
            "luồng rỗng (máy chủ cục bộ)": lambda: timed(
                ["-c", EMPTY_FLOW], env | {"PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
            ),
            "vanban run, lần đầu (máy chủ cục bộ)": lambda: timed(
                [*vanban, "--out", bench.out()], env
            ),
        }
        timed([*vanban, "--out", local_out], env)  # the folder a one-unit re-run starts from
        local["vanban run --unit \"Mỹ Quý\", chạy lại (máy chủ cục bộ)"] = lambda: timed(
            [*vanban, "--out", local_out, "--unit", "Mỹ Quý"], env
        )
        print(f"Máy chủ cục bộ (vanban server start, cổng {port}):")
        bench.measure(local)
        for label in local:
            bench.show(label)
    finally:
        subprocess.run(
            [sys.executable, "-m", "vanban", "server", "stop"], env=env, capture_output=True
        )
        shutil.rmtree(home, ignore_errors=True)

    r = bench.median
    print("Tỉ lệ (mục tiêu trong ngoặc):")
    first_eph = r("vanban run, lần đầu (máy chủ tạm của vanban)")
    floor_eph = r("luồng rỗng (máy chủ tạm của Prefect)")
    floor_local = r("luồng rỗng (máy chủ cục bộ)")
    print(f"  lần đầu / luồng rỗng, không có máy chủ:   {first_eph / floor_eph:.2f}× (≤ 1,15)")
    print(
        "  lần đầu / luồng rỗng, máy chủ cục bộ:     "
        f"{r('vanban run, lần đầu (máy chủ cục bộ)') / floor_local:.2f}×"
    )
    rerun = r('vanban run --unit "Mỹ Quý", chạy lại (máy chủ cục bộ)')
    print(f"  chạy lại một đơn vị / luồng rỗng, cục bộ: {rerun / floor_local:.2f}× (≤ 1,2)")
    overlap = r("vanban run, lần đầu, không chạy song song") - first_eph
    print(f"  chạy song song khởi động Prefect và kiểm tra bảng tính tiết kiệm: {overlap:.2f} s")


if __name__ == "__main__":
    main()
