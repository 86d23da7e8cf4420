"""How fast result forms are written and collected back, for plans of growing size.

Prints figures; asserts nothing. Run: ``python -m bench.forms_bench [--units 13 100]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from tools.example_workbook import many_units, write_workbook
from vanban.documents.kinds import default_registry
from vanban.forms import layout as L
from vanban.forms.collecting import collect_forms
from vanban.forms.writing import write_forms
from vanban.workbook.loader import load_plan


def synthetic_workbook(path: Path, units: int) -> Path:
    """``units`` hamlets with no results yet: the forms will bring them."""
    d = many_units(units)
    d["with_results"] = set()
    write_workbook(path, d)
    return path


def _answer(form: Path, out: Path, topics: int, day: date) -> None:
    """A unit's plausible answers: everyone invited came, no opinions, nothing spent."""
    wb = load_workbook(form)
    ws = wb[L.FORM_SHEET]
    lay = L.Layout(topics)
    for key in ("steering", "officials", "poor", "near_poor"):
        row = lay.attendance_rows[key]
        ws[lay.cells[key]].value = ws[f"C{row}"].value
    ws[lay.cells["date"]].value = day
    ws[lay.cells["policies"]].value = "Chính sách hỗ trợ"
    ws[lay.cells["spent"]].value = 0
    ws[lay.cells["signer_name"]].value = "Người ký"
    wb.save(out)


def bench(units: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        plan = load_plan(synthetic_workbook(root / "plan.xlsx", units))
        t0 = time.perf_counter()
        written = write_forms(plan, root / "out", default_registry())
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = write_forms(plan, root / "out", default_registry())
        t_again = time.perf_counter() - t0
        assert {w.status for w in again} == {"unchanged"}
        returned = root / "returned"
        returned.mkdir()
        for w, unit in zip(written, plan.units, strict=True):
            day = L.report_window(plan, unit)[0]
            _answer(w.path, returned / w.path.name, len(plan.topics), day)
        t0 = time.perf_counter()
        _, index = collect_forms(plan, returned, default_registry())
        t_collect = time.perf_counter() - t0
        assert index is not None and len(index.received) == units
        size = sum(w.path.stat().st_size for w in written) / units
        print(f"{units} đơn vị")
        print(f"  lập phiếu: {t_write:.2f} s ({units / t_write:.0f} phiếu/s, {size / 1024:.1f} KiB "
              "mỗi phiếu)")
        print(f"  lập lại không đổi: {t_again:.2f} s")
        print(f"  thu phiếu: {t_collect:.2f} s ({units / t_collect:.0f} phiếu/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, nargs="+", default=[13, 100])
    args = parser.parse_args()
    for n in args.units:
        bench(n)


if __name__ == "__main__":
    main()
