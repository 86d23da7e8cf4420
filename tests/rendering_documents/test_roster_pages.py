"""A unit's invitation file prints the general invitation and then one page per invitee: the PDF
LibreOffice makes of it has 1 + invitees pages, each personal letter on its own page, in order.

The sign-in list (issue 25) gives its "Ghi chú" column room for a title: a list of 32 people whose
notes are titles prints its table on 2 pages (the closing text and signatures on a third), where
a 2 cm column wrapped each title over 4–5 lines and ran the table onto a third page."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.conftest import TEMPLATES
from tests.rosters import (
    SMALL_PRINTED,
    SMALL_UNIT,
    issue_unit,
    small_roster_data,
    small_roster_workbook,
    unit_named,
)
from tools.example_workbook import write_workbook
from vanban.model import Plan
from vanban.workbook.loader import load_plan

pytestmark = pytest.mark.libreoffice

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MM_PER_TWIP = 25.4 / 1440

# A list of 32 people whose notes are titles, as a commune's clerk types them.
TITLED_STEERING = [
    ("Nguyễn Văn Bình", "Phó Chủ tịch Ủy ban nhân dân xã"),
    ("Trần Thị Ngọc Phượng", "Chủ tịch Ủy ban Mặt trận Tổ quốc xã"),
    ("Lê Hoàng Dũng", "Chủ tịch Hội Nông dân xã"),
    ("Phạm Thị Kim Hương", "Phó Chủ tịch Hội Nông dân xã"),
    ("Huỳnh Minh Trung", "Công chức Văn hóa - Xã hội"),
    ("Võ Thị Mỹ Diễm", "Chủ tịch Hội Liên hiệp Phụ nữ xã"),
]
TITLED_OFFICIALS = [
    ("Đặng Văn Sơn", "Trưởng ấp"), ("Bùi Thị Thanh Thảo", "Trưởng ấp"),
    ("Ngô Quốc Toàn", "Trưởng ấp"), ("Châu Văn Phước", "Trưởng ấp"),
    ("Dương Thị Hồng Nhung", "Phó trưởng ấp"), ("Lâm Hữu Nghĩa", "Phó trưởng ấp"),
    ("Đoàn Thị Yến", "Phó trưởng ấp"), ("Lý Công Thắng", "Phó trưởng ấp"),
]  # fmt: skip
TITLED_POOR = [
    "Mai Văn Tài", "Cao Thị Lan", "Nguyễn Thị Ngọc Hạnh", "Trương Văn Hùng", "Hồ Thị Cúc",
    "Phan Minh Khánh", "Đỗ Thị Xuân", "Lê Văn Long", "Trần Thị Mỹ Loan",
]  # fmt: skip
TITLED_NEAR_POOR = [
    "Huỳnh Văn Quang", "Võ Thị Liên", "Nguyễn Hữu Phúc", "Phạm Thị Tuyết", "Lý Văn Vinh",
    "Bùi Thị Kim Nga", "Đặng Thành Tuấn",
]  # fmt: skip
TITLED_OTHER = [
    ("Châu Thị Hoa", "Hội viên Hội Phụ nữ xã"),
    ("Lâm Văn Hải", "Đoàn viên Đoàn Thanh niên"),
]
HAMLETS = ["Đông Thạnh", "Đông Lợi", "Đông Thới", "Đông Phú"]
# Measured with LibreOffice (the Liberation fonts the tests install): the table ends on page 2,
# the closing text and the signatures take page 3. No widths do better: a person's row is at
# least 9 mm high (room to sign), so 32 rows, the group rows and the closing text need 3 pages.
TITLED_PAGES = 3
TITLED_TABLE_PAGES = 2


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))


def _page_text(pdf: Path, page: int) -> str:
    proc = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return " ".join(proc.stdout.split())


def test_one_page_per_letter(example_plan: Plan, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice and shutil.which("pdfinfo"), "LibreOffice and poppler-utils are installed"
    small = load_plan(small_roster_workbook(tmp_path / "small.xlsx"))
    cases = [
        (small, SMALL_UNIT, "small.docx"),
        (example_plan, "Xã Mỹ Đông", "my-dong.docx"),
    ]
    staged = []
    for plan, unit_name, name in cases:
        written = issue_unit(plan, unit_name, tmp_path / name.removesuffix(".docx"))
        target = tmp_path / "in" / name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(written["giay_moi"], target)
        staged.append(target)
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *map(str, staged)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for plan, unit_name, name in cases:
        pdf = tmp_path / "pdf" / name.replace(".docx", ".pdf")
        invitees = unit_named(plan, unit_name).invitees
        assert len(invitees) == (6 if plan is small else 62)
        assert _pages(pdf) == 1 + len(invitees), name
    pdf = tmp_path / "pdf" / "small.pdf"
    assert "Kính gửi" not in _page_text(pdf, 1)
    for page, (person, _, _) in enumerate(SMALL_PRINTED, start=2):
        text = _page_text(pdf, page)
        assert text.startswith("ỦY BAN NHÂN DÂN") and f"Kính gửi: Ông/Bà {person}" in text


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _list_table() -> tuple[etree._Element, etree._Element]:
    """The sign-in list template's table of people (the one whose header row repeats), and the
    body's section properties."""
    with zipfile.ZipFile(TEMPLATES / "danh-sach-tham-du.docx") as docx:
        root = etree.fromstring(docx.read("word/document.xml"))
    (table,) = [
        tbl
        for tbl in root.iter(_w("tbl"))
        if any(tr.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None for tr in tbl.iter(_w("tr")))
    ]
    sect = root.find(f"{_w('body')}/{_w('sectPr')}")
    assert sect is not None
    return table, sect


def test_the_sign_in_lists_columns_give_a_title_room() -> None:
    table, sect = _list_table()
    widths = [int(col.get(_w("w"), "")) for col in table.iter(_w("gridCol"))]
    header = table.find(_w("tr"))
    assert header is not None
    titles = ["".join(t.text or "" for t in tc.iter(_w("t"))) for tc in header.findall(_w("tc"))]
    mm = {t: round(w * MM_PER_TWIP, 1) for t, w in zip(titles, widths, strict=True)}
    assert mm["Ghi chú"] >= 27, mm  # "Phó trưởng ấp" on one line, a long title on three
    assert mm["Ký nhận"] >= 25, mm  # room to sign
    assert mm["Họ và tên"] >= 40, mm  # a three-word name on one line
    assert mm["STT"] <= 12, mm
    page = sect.find(_w("pgSz"))
    margins = sect.find(_w("pgMar"))
    assert page is not None and margins is not None
    text_width = (
        int(page.get(_w("w"), ""))
        - int(margins.get(_w("left"), ""))
        - int(margins.get(_w("right"), ""))
    )
    assert text_width - 5 <= sum(widths) <= text_width
    table_width = table.find(f"{_w('tblPr')}/{_w('tblW')}")
    assert table_width is not None and int(table_width.get(_w("w"), "")) == sum(widths)
    # Every cell as wide as the columns it spans; every row kept whole, the header repeated.
    for tr in table.iter(_w("tr")):
        at = 0
        for tc in tr.findall(_w("tc")):
            span = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
            n = int(span.get(_w("val"), "")) if span is not None else 1
            cell = tc.find(f"{_w('tcPr')}/{_w('tcW')}")
            assert cell is not None and int(cell.get(_w("w"), "")) == sum(widths[at : at + n])
            at += n
        assert at == len(widths)
        assert tr.find(f"{_w('trPr')}/{_w('cantSplit')}") is not None
    assert header.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None


def _titled_roster_data() -> dict[str, Any]:
    """The seed's plan with a roster of 32 for Mỹ Đông: a committee and hamlet officials whose
    notes are their titles, households by hamlet, two guests."""
    d = small_roster_data()
    d["plan"]["steering_count"] = len(TITLED_STEERING)
    d["plan"]["officials_count"] = len(TITLED_OFFICIALS)
    d["units"][1] = ("xã", "Mỹ Đông", len(TITLED_POOR), len(TITLED_NEAR_POOR))
    rows: list[tuple[Any, ...]] = [
        (SMALL_UNIT, None, name, "Ban Chỉ đạo", note) for name, note in TITLED_STEERING
    ]
    rows += [
        (SMALL_UNIT, HAMLETS[i % 4], name, "cán bộ ấp/khóm", note)
        for i, (name, note) in enumerate(TITLED_OFFICIALS)
    ]
    for group, names in (("hộ nghèo", TITLED_POOR), ("hộ cận nghèo", TITLED_NEAR_POOR)):
        rows += [(SMALL_UNIT, HAMLETS[i % 4], name, group, None) for i, name in enumerate(names)]
    rows += [
        (SMALL_UNIT, HAMLETS[i % 4], name, "khác", note)
        for i, (name, note) in enumerate(TITLED_OTHER)
    ]
    d["roster_rows"] = rows
    return d


def test_a_list_of_32_with_titles_in_its_notes_prints_its_table_on_two_pages(
    tmp_path: Path,
) -> None:
    soffice = shutil.which("soffice")
    assert soffice and shutil.which("pdfinfo"), "LibreOffice and poppler-utils are installed"
    plan = load_plan(write_workbook(tmp_path / "titled.xlsx", _titled_roster_data()))
    assert len(unit_named(plan, SMALL_UNIT).invitees) == 32
    written = issue_unit(plan, SMALL_UNIT, tmp_path / "out")
    target = tmp_path / "in" / "list.docx"
    target.parent.mkdir()
    shutil.copy(written["danh_sach"], target)
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(target)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "pdf" / "list.pdf"
    pages = _pages(pdf)
    assert pages <= TITLED_PAGES
    # pdftotext may space a word's letters ("ng ười"): the pages are compared without spaces.
    texts = ["".join(_page_text(pdf, page).split()) for page in range(1, pages + 1)]
    ends = [page for page, text in enumerate(texts, start=1) if "Tổngcộng32người" in text]
    assert ends and ends[0] <= TITLED_TABLE_PAGES, f"the table ends on page {ends}"
    assert "Ghichú" in texts[0] and "1Nguyễn" in texts[0]
