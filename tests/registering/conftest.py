"""The example with every document numbered and every body coded, issued, published, signed
as an office signs it and collected back, once for the package's tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.signing_pdfs.conftest import sign_all
from tests.workbook_mutations import mutated, plan_row

# Sheet "Mã định danh": codes for some of the example's recipients, the others left without.
RECIPIENT_CODES = {
    "Sở Lao động – TB&XH": "000.00.12.H20",
    "Phòng Lao động – TB&XH huyện": "000.30.12.H20",
    "Phòng Lao động - Thương binh và Xã hội huyện Tháp Mười": "000.30.12.H20",
    "Sở Lao động - Thương binh và Xã hội tỉnh Đồng Tháp": "000.00.12.H20",
}
ISSUER_CODE = "000.00.30.H20"
SUMMARY_CODE = "000.31.30.H20"


def unit_code(row: int) -> str:
    return f"{row:03d}.00.30.H20"


def _column(wb: Workbook, sheet: str, header: str) -> int:
    for cell in wb[sheet][1]:
        if cell.value == header:
            return int(cell.column)
    raise KeyError(header)


def numbered_and_coded(wb: Workbook) -> None:
    """Every document of the example numbered, the issuer, the summary's body, each unit and
    some recipients coded, and the plan registered as urgent in 12 copies."""
    plan = wb["Kế hoạch"]
    plan.cell(plan_row(wb, "Báo cáo tổng hợp: số"), 2).value = 55
    plan.cell(plan_row(wb, "Mã định danh cơ quan ban hành"), 2).value = ISSUER_CODE
    plan.cell(plan_row(wb, "Báo cáo tổng hợp: mã định danh"), 2).value = SUMMARY_CODE
    for sheet, header, first in (("Lịch đối thoại", "Số giấy mời", 100),
                                 ("Kết quả", "Số báo cáo", 200)):  # fmt: skip
        ws, col = wb[sheet], _column(wb, sheet, header)
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, 1).value:
                ws.cell(r, col).value = first + r
    units, col = wb["Đơn vị"], _column(wb, "Đơn vị", "Mã định danh")
    for r in range(2, units.max_row + 1):
        if isinstance(units.cell(r, 1).value, int):
            units.cell(r, col).value = unit_code(r)
    docs = wb["Văn bản"]
    docs.cell(2, _column(wb, "Văn bản", "Số")).value = 77
    docs.cell(3, 1).value = "Kế hoạch"
    docs.cell(3, _column(wb, "Văn bản", "Độ khẩn")).value = "khẩn"
    docs.cell(3, _column(wb, "Văn bản", "Số bản")).value = 12
    codes = wb["Mã định danh"]
    for r, (name, code) in enumerate(RECIPIENT_CODES.items(), start=2):
        codes.cell(r, 1).value, codes.cell(r, 2).value = name, code


@dataclass(frozen=True)
class Office:
    workbook: Path
    out: Path
    published: Any  # vanban.publishing.publish.PublishReport
    signed_files: dict[str, Path]
    signed: Any  # vanban.publishing.signed.SignedReport


@pytest.fixture(scope="session")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    from vanban.issuing.run import run_issue
    from vanban.publishing.publish import publish
    from vanban.publishing.records import pdf_records, read_manifest
    from vanban.publishing.signed import collect_signed

    base = tmp_path_factory.mktemp("records-office")
    workbook = mutated(numbered_and_coded, base / "ke-hoach.xlsx")
    out = base / "out"
    report = run_issue(workbook, out_dir=out)
    assert report.exit_code == 0
    published = publish(out)
    records = pdf_records(read_manifest(out))
    files = sign_all(out, records, base / "da-ky-tu-van-thu")
    signed = collect_signed(out, base / "da-ky-tu-van-thu")
    return Office(workbook, out, published, files, signed)


def copy_of(office: Office, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(office.out, out)
    return out
