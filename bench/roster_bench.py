"""How fast a unit's personal invitations and sign-in list are rendered, for a large roster.

A synthetic unit invites 1.000 people (3 committee members, 5 officials, 992 households, names
drawn like the example's). Prints the time to read the workbook, the render of the invitation
file (1 general + 1.000 personal letters, one .docx) as letters per second, and the list's
render time; asserts nothing. Run: ``python -m bench.roster_bench [--invitees 1000] [--check]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tools.example_workbook import seed_data, write_workbook
from vanban.documents.kinds import default_templates_dir
from vanban.issuing.issuer import Issuer
from vanban.issuing.jobs import plan_jobs
from vanban.workbook.loader import load_plan

UNIT = "Ấp Lớn"


def synthetic_workbook(path: Path, invitees: int) -> Path:
    d = seed_data()
    steering, officials = d["plan"]["steering_count"], d["plan"]["officials_count"]
    households = invitees - steering - officials
    poor = households // 2
    d["units"] = [("ấp", "Lớn", poor, households - poor), ("ấp", "Nhỏ", 10, 12)]
    d["funding"] = [("Ấp Lớn", 900_000), ("Ấp Nhỏ", 850_000)]
    d["tiers"] = []
    d["plan"]["budget"] = 1_750_000
    d["roster_units"] = [UNIT]
    return write_workbook(path, d)


def bench(invitees: int, check: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wb = synthetic_workbook(Path(tmp) / "plan.xlsx", invitees)
        t0 = time.perf_counter()
        plan = load_plan(wb)
        t_load = time.perf_counter() - t0
        unit = next(u for u in plan.units if u.name == UNIT)
        issuer = Issuer(plan, Path(tmp) / "out", default_templates_dir())
        jobs = {
            j.kind.key: j
            for j in plan_jobs(plan, issuer.registry, units=[unit], only=["invitations"])
            if j.pending is None
        }
        print(f"{len(unit.invitees)} người được mời ({UNIT}); đọc bảng tính: {t_load:.2f} s")
        for key, what in (("giay_moi", "giấy mời"), ("danh_sach", "danh sách")):
            job = jobs[key]
            t0 = time.perf_counter()
            data = issuer.render(job)
            elapsed = time.perf_counter() - t0
            size = f"{len(data) / 1024:.0f} KiB"
            if key == "giay_moi":
                letters = 1 + len(unit.invitees)
                print(
                    f"  {what}: {letters} thư trong một tệp, {elapsed:.2f} s, "
                    f"{letters / elapsed:.0f} thư/s, {size}"
                )
            else:
                print(f"  {what}: {elapsed:.2f} s, {size}")
            if check:
                from vanban.decree30.checker import check_document

                path = Path(tmp) / f"{key}.docx"
                path.write_bytes(data)
                t0 = time.perf_counter()
                findings = check_document(path)
                print(
                    f"    kiểm tra thể thức: {time.perf_counter() - t0:.2f} s, "
                    f"{len(findings)} lỗi"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invitees", type=int, nargs="+", default=[1000])
    parser.add_argument("--check", action="store_true", help="also time the Decree 30 checker")
    args = parser.parse_args()
    for n in args.invitees:
        bench(n, args.check)


if __name__ == "__main__":
    main()
