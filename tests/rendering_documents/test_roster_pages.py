"""A unit's invitation file prints the general invitation and then one page per invitee: the PDF
LibreOffice makes of it has 1 + invitees pages, each personal letter on its own page, in order."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.rosters import SMALL_PRINTED, SMALL_UNIT, issue_unit, small_roster_workbook, unit_named
from vanban.model import Plan
from vanban.workbook.loader import load_plan

pytestmark = pytest.mark.libreoffice


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
