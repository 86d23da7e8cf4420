"""Time the pages of the clerk's web desk (vanban.desk) over real HTTP, side by side.

Prints, for a plan of N units (its documents issued and their previews made): each page's first
request (cold) and the median and max of ``--repeat`` warm ones, its size and its pictures
(``<img``, and how many of them load lazily), against a target of 200 ms a page. Asserts nothing.

    python -m bench.ui_bench [--units 100] [--households 10] [--repeat 20]

The workspace is built by hand in a temporary place, as the desk lays it out: the generated
workbook as ``<plan>/ke-hoach.xlsx``, the run issued by the library (``prepare_run`` then
``issue_prepared``, scale_bench's "lib") into ``<plan>/van-ban/``, then ``review_folder`` on it for
the previews (timed apart: LibreOffice converts every document once; the PDF cache and the format
findings go to a temporary ``XDG_CACHE_HOME``). The desk is served by uvicorn on 127.0.0.1 in a
thread, with a Runner never connected (no Prefect). A workbook is read and checked on the first
page that needs it (``/``, the first measured) and kept in memory after that, so the later pages'
first requests are cold only for their own work (and their imports).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from bench._env import kept_env
from tools.example_workbook import many_units, write_workbook
from vanban.desk.app import create_app
from vanban.desk.runs import Runner
from vanban.desk.workspace import OUTPUT, WORKBOOK
from vanban.issuing.run import issue_prepared
from vanban.prepare import prepare_run
from vanban.review.build import review_folder

PLAN = "ke-hoach-bench"
TOKEN = "ui-bench-token"
TARGET = 0.200  # seconds a page, warm, once its previews exist
PAGES = [
    "/",
    f"/plans/{PLAN}/check",
    f"/plans/{PLAN}/issue",
    f"/plans/{PLAN}/documents",
    f"/plans/{PLAN}/forms",
    f"/plans/{PLAN}/history",
    f"/api/plans/{PLAN}/run",
]


def build_plan(workspace: Path, units: int, households: int | None) -> Path:
    """``workspace/PLAN`` with its workbook and its issued documents; the output folder."""
    root = workspace / PLAN
    root.mkdir(parents=True)
    write_workbook(root / WORKBOOK, many_units(units, households))
    out = root / OUTPUT
    started = time.perf_counter()
    prepared = prepare_run(root / WORKBOOK, out_dir=out)
    prepared.raise_errors()
    issue_prepared(prepared)
    count = len(list(out.rglob("*.docx")))
    print(f"  issued {count} .docx in {time.perf_counter() - started:.1f} s", flush=True)
    return out


def make_previews(out: Path) -> None:
    started = time.perf_counter()
    result = review_folder(out)
    print(
        f"  previews (review_folder, first time): {time.perf_counter() - started:.1f} s; "
        f"{len(result.pdfs)} PDFs, {len(result.pngs)} PNGs"
        + (f"; message: {result.message}" if result.message else ""),
        flush=True,
    )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """The desk for ``workspace`` served by uvicorn in a thread, until the block ends."""

    def __init__(self, workspace: Path) -> None:
        self.port = free_port()
        app = create_app(workspace, port=self.port, token=TOKEN, runner=Runner())
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="error", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self.server.started:
            raise SystemExit("uvicorn did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def get(client: httpx.Client, path: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.get(path)
    response.read()
    return time.perf_counter() - started, response


def measure(client: httpx.Client, path: str, repeat: int) -> None:
    first, response = get(client, path)
    warm = [get(client, path)[0] for _ in range(repeat)]
    median, worst = statistics.median(warm), max(warm)
    body = response.text
    imgs, lazy = body.count("<img"), body.count('loading="lazy"')
    verdict = "ok" if median < TARGET else "OVER"
    status = "" if response.status_code == 200 else f"  status {response.status_code}!"
    print(
        f"  {path:<32} first {first * 1000:7.1f} ms  median {median * 1000:7.1f} ms  "
        f"max {worst * 1000:7.1f} ms  {len(response.content) / 1024:7.1f} KB  "
        f"<img {imgs:4d} (lazy {lazy:4d})  {verdict}{status}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=100, help="the plan's units")
    parser.add_argument("--households", type=int, default=10, help="per unit (0: no rosters)")
    parser.add_argument("--repeat", type=int, default=20, help="warm requests per page")
    args = parser.parse_args(argv)
    print(f"cores {os.cpu_count()}; load at start {os.getloadavg()}", flush=True)
    with kept_env("XDG_CACHE_HOME"), tempfile.TemporaryDirectory(prefix="ui-bench-") as name:
        tmp = Path(name)
        os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")
        run(tmp / "ws", args.units, args.households or None, max(1, args.repeat))
        shutil.rmtree(tmp / "ws", ignore_errors=True)
    print(f"load at end {os.getloadavg()}")
    return 0


def run(workspace: Path, units: int, households: int | None, repeat: int) -> None:
    rostered = f" × {households} households" if households else ""
    print(f"\n1. The workspace: one plan of {units} units{rostered}", flush=True)
    out = build_plan(workspace, units, households)
    make_previews(out)
    print(
        f"\n2. Pages over HTTP: first request, then {repeat} warm "
        f"(target: median < {TARGET * 1000:.0f} ms); load {os.getloadavg()}",
        flush=True,
    )
    with Served(workspace) as served:
        host = f"127.0.0.1:{served.port}"
        with httpx.Client(
            base_url=f"http://{host}", headers={"Host": host}, timeout=120, trust_env=False
        ) as client:
            for path in PAGES:
                measure(client, path, repeat)


if __name__ == "__main__":
    sys.exit(main())
