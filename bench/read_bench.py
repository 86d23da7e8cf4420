"""How fast a province's plan is read and checked, by the reference reader and the streaming one.

A synthetic plan of N units × M households (every unit with a roster: N × (M + 8) rows) is
written once; then each reader reads and checks it (``load_plan``, the plan made and every rule
run) in a fresh process of its own, the readers taking turns, ``--repeat`` times: the reference
reader (openpyxl, engine "openpyxl") and the streaming reader (engine "stream", the default).
Printed for each: its best time (wall clock, and the CPU time of its process, which another
program on the machine disturbs less), the peak memory of its process (before the reading, and
at its highest), and how many times faster the streaming reader is.

With ``--baseline REV`` the code of that git revision (taken with ``git archive``: the commit
before the streaming reader, say) reads the same workbook in the same turns, as it read before.
The load of the machine is printed at the start and the end. Asserts nothing.

Run: ``python -m bench.read_bench [--units 1000] [--households 100] [--workbook PATH]
[--repeat 3] [--baseline REV]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench._env import ROOT, baseline_tree
from tools.example_workbook import many_units, write_workbook
from vanban.text.formatting import group_digits

READERS = {
    "openpyxl": "bộ đọc đối chiếu (openpyxl)",
    "stream": "bộ đọc theo luồng",
}
BASELINE = "baseline"
# Run in a child process: the reading alone is timed; the process's peak memory is its own.
_CHILD = """
import json, resource, sys, time
import vanban
from vanban.workbook.loader import load_plan
path, engine = sys.argv[1], sys.argv[2]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kwargs = {} if engine == "baseline" else {"engine": engine}
wall, cpu = time.perf_counter(), time.process_time()
plan = load_plan(path, **kwargs)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({
    "wall": wall, "cpu": cpu, "before": before * 1024,
    "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "rows": sum(len(u.invitees) for u in plan.units), "code": vanban.__file__,
}))
"""


@dataclass
class Reading:
    wall: float
    cpu: float
    before: int  # bytes: the process's peak before the reading (Python and vanban imported)
    peak: int
    rows: int
    code: str


def read_once(workbook: Path, engine: str, tree: Path | None = None) -> Reading:
    """One reading of ``workbook`` in a fresh process; ``tree`` holds the baseline's code."""
    env = dict(os.environ)
    cwd = ROOT
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
        cwd = tree  # the checkout's own vanban must not be found first
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(workbook), engine],
        capture_output=True, text=True, cwd=cwd, env=env, check=False, timeout=3600,
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"{engine}: {proc.stderr.strip()[-2000:]}")
    return Reading(**json.loads(proc.stdout.strip().splitlines()[-1]))


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


def read_side_by_side(
    workbook: Path, repeat: int = 1, baseline: Path | None = None, baseline_label: str = ""
) -> dict[str, Reading]:
    """Each reader reads ``workbook`` ``repeat`` times in turn; prints each one's best.

    ``baseline`` is a folder holding an older ``vanban`` that reads it too, as it did then.
    """
    engines = [*READERS, *([BASELINE] if baseline is not None else [])]
    best: dict[str, Reading] = {}
    for _ in range(repeat):
        for engine in engines:
            r = read_once(workbook, engine, baseline if engine == BASELINE else None)
            if engine not in best or r.wall < best[engine].wall:
                best[engine] = r
    labels = {**READERS, BASELINE: f"mã của {baseline_label or 'bản trước'}"}
    print(f"  {group_digits(best['stream'].rows)} dòng danh sách mời, tốt nhất sau {repeat} lần:")
    for engine, r in best.items():
        print(
            f"  {labels[engine]}: {r.wall:.2f} s (CPU {r.cpu:.2f} s), bộ nhớ đỉnh "
            f"{_mib(r.peak)} (trước khi đọc {_mib(r.before)})"
        )
    stream = best["stream"]
    for engine in (e for e in best if e != "stream"):
        r = best[engine]
        print(
            f"  bộ đọc theo luồng nhanh hơn {labels[engine]} {r.wall / stream.wall:.1f} lần "
            f"(CPU {r.cpu / stream.cpu:.1f} lần), bộ nhớ đỉnh bằng "
            f"{stream.peak / r.peak:.0%}"
        )
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--workbook", type=Path, help="read this workbook instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", help="a git revision whose reader reads it too")
    args = parser.parse_args()
    print(f"Máy: {os.cpu_count()} lõi, tải {os.getloadavg()[0]:.2f} lúc bắt đầu")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        workbook = args.workbook
        if workbook is None:
            t0 = time.perf_counter()
            data = many_units(args.units, args.households)
            workbook = write_workbook(tmp / "ke-hoach.xlsx", data)
            print(
                f"Bảng tính {args.units} đơn vị × {args.households} hộ: "
                f"{workbook.stat().st_size / 2**20:.1f} MiB, viết trong "
                f"{time.perf_counter() - t0:.0f} s"
            )
        tree = baseline_tree(args.baseline, tmp / "baseline") if args.baseline else None
        print(f"Đọc và kiểm tra {workbook.name}, mỗi bộ đọc một tiến trình riêng:")
        read_side_by_side(workbook, args.repeat, tree, args.baseline or "")
    print(f"Tải lúc kết thúc {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
