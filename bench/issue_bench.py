"""How fast a plan is read and its documents issued, for plans of growing size.

Prints figures and ratios; asserts nothing. Run: ``python -m bench.issue_bench [--units 13 100]
[--flow]``. With ``--flow`` it also times the Prefect flow on the same plan, to show what
orchestration costs on top of the library.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from tools.example_workbook import many_units, write_workbook
from vanban.issuing.run import issue_prepared
from vanban.prepare import prepare_run


def synthetic_workbook(path: Path, units: int) -> Path:
    return write_workbook(path, many_units(units))


def bench(units: int, flow: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wb = synthetic_workbook(Path(tmp) / "plan.xlsx", units)
        t0 = time.perf_counter()
        prepared = prepare_run(wb, out_dir=Path(tmp) / "lib")
        prepared.raise_errors()
        t_load = time.perf_counter() - t0

        tracemalloc.start()
        t0 = time.perf_counter()
        report = issue_prepared(prepared)
        t_lib = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        issued = report.count("issued")

        t0 = time.perf_counter()
        issue_prepared(prepared)
        t_again = time.perf_counter() - t0

        print(f"{units} đơn vị, {issued} văn bản")
        print(f"  đọc và kiểm tra bảng tính: {t_load:.2f} s")
        print(
            f"  phát hành (thư viện): {t_lib:.2f} s, {issued / t_lib:.1f} văn bản/s, "
            f"bộ nhớ đỉnh {peak / 2**20:.1f} MiB"
        )
        print(f"  chạy lại không đổi: {t_again:.2f} s ({t_again / t_lib:.2f} × lần đầu)")
        if flow:
            os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
            os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
            from vanban_flows.issue import issue_documents

            t0 = time.perf_counter()
            issue_documents(str(wb), out_dir=str(Path(tmp) / "flow"))
            t_flow = time.perf_counter() - t0
            print(f"  luồng Prefect: {t_flow:.2f} s ({t_flow / t_lib:.2f} × thư viện)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, nargs="+", default=[13, 100])
    parser.add_argument("--flow", action="store_true")
    args = parser.parse_args()
    for n in args.units:
        bench(n, args.flow)


if __name__ == "__main__":
    main()
