"""Issue 6 end to end: change one cell, issue again, review: the page and `vanban diff` show
exactly that change."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, issue_all
from vanban.issuing.audit import AuditLog
from vanban.review.textdiff import diff_documents
from vanban.workbook.loader import load_plan

OLD = "Hội trường Ủy ban nhân dân xã Mỹ Quý"
NEW = "Nhà văn hóa ấp Mỹ Phước"


@pytest.mark.libreoffice
def test_one_changed_cell_is_exactly_the_change_shown(tmp_path: Path) -> None:
    from vanban.review.build import review_folder

    wb = tmp_path / "plan.xlsx"
    shutil.copy(EXAMPLE, wb)
    out = tmp_path / "out"
    issue_all(load_plan(wb), out)

    book = load_workbook(wb)
    sheet = book["Lịch đối thoại"]
    cell = next(r[3] for r in sheet.iter_rows(min_row=2) if r[0].value == "Xã Mỹ Quý")
    assert cell.value == OLD
    cell.value = NEW
    book.save(wb)
    issue_all(load_plan(wb), out)

    invitation = "03-giay-moi/xa-my-quy.docx"
    entry = AuditLog(out / "audit.jsonl").latest_issued()[invitation]
    previous = out / entry["history"]
    changes = [d for d in diff_documents(previous, out / invitation) if d.op != "="]
    assert [(d.op, OLD in d.text, NEW in d.text) for d in changes] == [
        ("-", True, False),
        ("+", False, True),
    ]

    proc = subprocess.run(
        [sys.executable, "-m", "vanban", "diff", str(previous), str(out / invitation)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    changed = [line for line in proc.stdout.splitlines() if line.startswith(("- ", "+ "))]
    assert len(changed) == 2 and OLD in changed[0] and NEW in changed[1]

    result = review_folder(out)
    page = result.index.read_text("utf-8")
    block = re.search(
        r'<article[^>]*data-path="03-giay-moi/xa-my-quy.docx".*?</article>', page, re.S
    )
    assert block is not None
    assert "<del>" in block.group(0) and "<ins>" in block.group(0)
    assert "Phước" in block.group(0)
    untouched = re.search(
        r'<article[^>]*data-path="03-giay-moi/xa-my-dong.docx".*?</article>', page, re.S
    )
    assert untouched is not None and "<ins>" not in untouched.group(0)
    assert len(result.pdfs) == len(
        list(
            p for p in out.rglob("*.docx") if ".history" not in p.parts and "review" not in p.parts
        )
    )
