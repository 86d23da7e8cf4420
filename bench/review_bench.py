"""Time vanban.review.build.review_folder() on a run's output folder, side by side:
one LibreOffice process, one per core, and a re-review of unchanged documents (which reuses the
previews and the format findings of the run before it).

    python -m bench.review_bench [OUTPUT_DIR] [--repeat N]

OUTPUT_DIR defaults to outputs/6662-kh-ubnd-2022. The folder is copied to a temporary place first
(without its review/), so timing never touches the real one. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._env import kept_env
from vanban.review.build import review_folder

DEFAULT = Path("outputs/6662-kh-ubnd-2022")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=1, help="how many timed runs (default 1)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"no such output folder: {args.folder} (run vanban first)", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    per_doc: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        for label, processes in (("1 process", 1), (f"{cores} processes", cores)):
            for run in range(1, max(1, args.repeat) + 1):
                # A fresh copy each time, and a fresh cache of format findings (the user's
                # cache, see vanban.review.checkstate), so nothing is reused from an earlier run.
                folder = Path(tmp) / f"{processes}-{run}" / args.folder.name
                shutil.copytree(args.folder, folder, ignore=shutil.ignore_patterns("review"))
                with kept_env("XDG_CACHE_HOME"):
                    os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / f"{processes}-{run}" / "cache")
                    started = time.perf_counter()
                    result = review_folder(folder, processes=processes)
                    total = time.perf_counter() - started
                per_doc[label] = _report(f"{label}, run {run}", result, total)
        started = time.perf_counter()
        result = review_folder(folder, processes=cores)
        per_doc["re-review"] = _report(
            "re-review, nothing changed", result, time.perf_counter() - started
        )
    one, many = per_doc["1 process"], per_doc[f"{cores} processes"]
    print(f"ratio 1 process / {cores} processes: {one / many if many else 0.0:.2f}")
    return 0


def _report(label: str, result: Any, total: float) -> float:
    documents = len(result.documents)
    with_file = sum(1 for doc in result.documents if doc.exists)
    phases = ", ".join(
        f"{name} {seconds:.2f} s" for name, seconds in result.timings.items() if name != "total"
    )
    per_doc = total / with_file if with_file else 0.0
    print(
        f"{label}: {documents} documents ({with_file} files, {len(result.pdfs)} PDFs), "
        f"total {total:.2f} s, {per_doc:.3f} s per document; {phases}"
    )
    if result.message:
        print(f"  message: {result.message}")
    return per_doc


if __name__ == "__main__":
    sys.exit(main())
