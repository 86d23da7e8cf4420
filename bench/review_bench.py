"""Time vanban.review.build.review_folder() on a run's output folder.

    python bench/review_bench.py [OUTPUT_DIR] [--repeat N]

OUTPUT_DIR defaults to outputs/6662-kh-ubnd-2022. The folder is copied to a temporary place first
(without its review/), so timing never touches the real one. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

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
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        folder = Path(tmp) / args.folder.name
        shutil.copytree(args.folder, folder, ignore=shutil.ignore_patterns("review"))
        for run in range(1, max(1, args.repeat) + 1):
            started = time.perf_counter()
            result = review_folder(folder)
            total = time.perf_counter() - started
            documents = len(result.documents)
            with_file = sum(1 for doc in result.documents if doc.exists)
            phases = ", ".join(
                f"{name} {seconds:.2f} s"
                for name, seconds in result.timings.items()
                if name != "total"
            )
            print(
                f"run {run}: {documents} documents ({with_file} files, {len(result.pdfs)} PDFs, "
                f"{len(result.pngs)} PNGs), libreoffice={result.libreoffice}"
            )
            print(f"  total {total:.2f} s")
            print(f"  per document {total / documents if documents else 0.0:.3f} s")
            print(f"  per file {total / with_file if with_file else 0.0:.3f} s")
            print(f"  phases: {phases}")
            if result.message:
                print(f"  message: {result.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
