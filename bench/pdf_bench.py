"""Time ``vanban pdf`` (vanban.publishing.publish.publish) against bare LibreOffice, side by side.

Prints, in one run: the floor (one ``soffice --convert-to pdf`` batch of the same .docx files with
the same PDF/A-2 profile, in one process and in one per core), the first publication of the
example's output folder from an empty cache (1 process and one per core, and its ratio to the
floor), a re-publish with nothing changed, how many documents a review then a publication of a
fresh folder each converted (each document once in all), and the first publication of an N-unit
plan against the floor on its files. Per document seconds throughout; asserts nothing.

    python -m bench.pdf_bench [--units 100] [--households 100] [--repeat N]

Every folder is issued into a temporary place by the library (as ``vanban run`` does), and every
measured case gets a copy of it and a fresh cache (``XDG_CACHE_HOME``), so nothing is reused from
an earlier case unless the case is about reuse. One untimed publication comes first, so that
neither LibreOffice's first start nor the first imports count. The best of ``--repeat`` runs is
compared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._env import kept_env
from tools.example_workbook import many_units, write_workbook
from vanban.issuing.run import issue_prepared
from vanban.pdf.cache import cache_dir
from vanban.pdf.libreoffice import PROFILE_SETTINGS, find_soffice
from vanban.prepare import prepare_run
from vanban.publishing.publish import PublishReport, publish
from vanban.review.build import review_folder

EXAMPLE = Path("inputs/thap-muoi-2022.xlsx")


def issued(workbook: Path, out: Path) -> list[Path]:
    """Issue ``workbook`` into ``out`` through the library (scale_bench's "lib"); its .docx."""
    prepared = prepare_run(workbook, out_dir=out)
    prepared.raise_errors()
    issue_prepared(prepared)
    return sorted(out.rglob("*.docx"))


def floor(files: list[Path], processes: int, work: Path) -> float:
    """Seconds for bare soffice to convert ``files`` in ``processes`` concurrent batches.

    Each batch gets a fresh profile with vanban's PDF/A-2 settings and its files staged under
    unique names (two documents may share a base name); the staging is not timed. The files are
    shared out largest first, each to the lightest batch, by size: in path order, a rostered
    plan's 100-page letters alternate with their lists and would all go to one batch.
    """
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("no soffice on PATH")
    groups: list[list[Path]] = [[] for _ in range(processes)]
    loads = [0] * processes
    for path in sorted(files, key=lambda f: f.stat().st_size, reverse=True):
        k = loads.index(min(loads))
        groups[k].append(path)
        loads[k] += path.stat().st_size
    commands: list[list[str]] = []
    for k, group in enumerate(groups):
        if not group:
            continue
        batch = work / f"floor-{processes}-{k}"
        (batch / "profile" / "user").mkdir(parents=True)
        (batch / "profile" / "user" / "registrymodifications.xcu").write_text(
            PROFILE_SETTINGS, "utf-8"
        )
        (batch / "in").mkdir()
        staged = [batch / "in" / f"{n:04d}.docx" for n in range(len(group))]
        for source, copy in zip(group, staged, strict=True):
            shutil.copyfile(source, copy)
        commands.append(
            [
                soffice,
                f"-env:UserInstallation={(batch / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                "--nologo",
                "--convert-to",
                "pdf",
                "--outdir",
                str(batch / "out"),
                *map(str, staged),
            ]  # fmt: skip
        )
    started = time.perf_counter()
    running = [
        subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in commands
    ]
    for process in running:
        process.wait()
    elapsed = time.perf_counter() - started
    pdfs = [p for k in range(processes) for p in (work / f"floor-{processes}-{k}").glob("out/*")]
    pdfa = sum(1 for p in pdfs if b"pdfaid:part" in p.read_bytes())
    if len(pdfs) != len(files) or pdfa != len(files):
        print(f"  (floor: {len(pdfs)} PDFs of {len(files)} files, {pdfa} of them PDF/A)")
    shutil.rmtree(work, ignore_errors=True)
    return elapsed


class Case:
    """A fresh copy of an issued folder and a fresh PDF cache, under ``root``."""

    def __init__(self, root: Path, source: Path, name: str) -> None:
        self.folder = root / name / source.name
        self.cache = root / name / "cache"
        shutil.copytree(source, self.folder)
        self.use()

    def use(self) -> None:
        os.environ["XDG_CACHE_HOME"] = str(self.cache)


def cached() -> int:
    """How many PDFs the cache of the case in use holds."""
    folder = cache_dir()
    return len(list(folder.glob("*.pdf"))) if folder.is_dir() else 0


def timed_publish(folder: Path, processes: int) -> tuple[float, PublishReport]:
    started = time.perf_counter()
    report = publish(folder, processes=processes)
    return time.perf_counter() - started, report


def split(report: PublishReport) -> str:
    t = report.timings
    other = t.get("total", 0.0) - t.get("convert", 0.0) - t.get("fields", 0.0)
    return (
        f"convert {t.get('convert', 0.0):.2f} s, fields {t.get('fields', 0.0):.2f} s, "
        f"other {other:.2f} s; {report.converted} converted, "
        f"{len(report.publications)} publications"
        + (f", {len(report.warnings)} warnings" if report.warnings else "")
    )


def best_floor(files: list[Path], processes: int, tmp: Path, repeat: int, label: str) -> float:
    runs = [floor(files, processes, tmp / f"{label}-{processes}-{r}") for r in range(repeat)]
    best = min(runs)
    print(
        f"  floor, {processes} soffice process(es): {best:.2f} s, "
        f"{best / len(files):.3f} s per document"
        + (f" (runs: {', '.join(f'{r:.2f}' for r in runs)})" if repeat > 1 else "")
    )
    return best / len(files)


def best_publish(
    tmp: Path, source: Path, processes: int, repeat: int, label: str
) -> tuple[float, Case]:
    """The best of ``repeat`` first publications, each from a fresh copy and an empty cache."""
    results: list[tuple[float, PublishReport, Case]] = []
    for r in range(repeat):
        case = Case(tmp, source, f"{label}-{processes}-{r}")
        seconds, report = timed_publish(case.folder, processes)
        results.append((seconds, report, case))
        print(f"  publish, processes={processes}, run {r + 1}: {seconds:.2f} s; {split(report)}")
    seconds, report, case = min(results, key=lambda x: x[0])
    return seconds / max(1, len(report.publications)), case


def ratio(label: str, per_doc: float, floor_per_doc: float, target: str) -> None:
    value = per_doc / floor_per_doc if floor_per_doc else 0.0
    print(
        f"  {label}: {per_doc:.3f} s per document, {value:.2f}× the floor ({target}), "
        f"{per_doc - floor_per_doc:+.3f} s per document over it"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=100, help="the large plan's units")
    parser.add_argument("--households", type=int, default=100, help="per unit (0: no rosters)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per case (best kept)")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    cores = os.cpu_count() or 1
    print(f"cores {cores}; load at start {os.getloadavg()}", flush=True)
    with kept_env("XDG_CACHE_HOME"), tempfile.TemporaryDirectory(prefix="pdf-bench-") as name:
        run(Path(name), cores, args.units, args.households or None, repeat)
    print(f"load at end {os.getloadavg()}")
    return 0


def run(tmp: Path, cores: int, units: int, households: int | None, repeat: int) -> None:
    example = tmp / "issued" / "example"
    files = issued(EXAMPLE, example)
    # Untimed: LibreOffice's first start reads it all from disk; publish's first imports pyHanko.
    publish(Case(tmp, example, "warm-up").folder, processes=cores)
    print(f"\n1. Floor: bare LibreOffice, PDF/A-2, the example's {len(files)} .docx", flush=True)
    floors = {p: best_floor(files, p, tmp, repeat, "example") for p in sorted({1, cores})}

    print("\n2. First publication of the example, empty cache", flush=True)
    firsts: dict[int, tuple[float, Case]] = {}
    for p in sorted({1, cores}):
        firsts[p] = best_publish(tmp, example, p, repeat, "first")
    for p, (per_doc, _) in firsts.items():
        ratio(f"processes={p}", per_doc, floors[p], "target ≤ 1.3×")

    print("\n3. Re-publish, nothing changed (the same folder, a second call)", flush=True)
    again = firsts[cores][1]
    again.use()
    for r in range(repeat):
        seconds, report = timed_publish(again.folder, cores)
        statuses = sorted({p.status for p in report.publications})
        print(
            f"  run {r + 1}: {seconds:.3f} s (target < 1 s); {report.converted} converted, "
            f"statuses {statuses}"
        )

    print("\n4. Review, then publish, of a fresh folder with an empty cache", flush=True)
    case = Case(tmp, example, "review-then-publish")
    before = cached()
    started = time.perf_counter()
    review = review_folder(case.folder, processes=cores)
    review_seconds = time.perf_counter() - started
    after = cached()
    print(
        f"  review: {review_seconds:.2f} s, {after - before} conversions "
        f"(new PDFs in the cache), {len(review.pdfs)} previews"
        + (f"; message: {review.message}" if review.message else "")
    )
    seconds, report = timed_publish(case.folder, cores)
    print(f"  publish after it: {seconds:.2f} s; {split(report)} (target: 0 converted)")
    total = after - before + report.converted
    print(f"  conversions in all: {total} for {len(files)} documents")

    rostered = f" × {households} households" if households else ""
    print(f"\n5. A {units}-unit plan{rostered}, first publication, {cores} processes", flush=True)
    workbook = write_workbook(tmp / "plan.xlsx", many_units(units, households))
    plan = tmp / "issued" / "plan"
    plan_files = issued(workbook, plan)
    print(f"  {len(plan_files)} .docx", flush=True)
    plan_floor = best_floor(plan_files, cores, tmp, repeat, "plan")
    per_doc, _ = best_publish(tmp, plan, cores, repeat, "plan")
    ratio(f"processes={cores}", per_doc, plan_floor, "target ≤ 1.3×")


if __name__ == "__main__":
    sys.exit(main())
