"""The workbooks Excel is given open without repair: the blank one and the example, by the schema.

``vanban new-workbook`` writes its workbook with openpyxl; the example in ``inputs/`` is what a
clerk starts from. Both are held to the SpreadsheetML schema as the Open XML SDK checks it
(:mod:`vanban.rendering.schema`), the check Excel's own repair stands for. The blank workbook is
also read back through LibreOffice Calc, which clerks use as well: its dropdown lists must come
back as they went in, and Calc must not lock what vanban left open.

The Calc helpers are in ``tests/office_files.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from tests.office_files import calc_round_trip, protection, validations
from tests.workbook_mutations import run_main
from vanban.rendering.schema import schema_findings


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("new") / "ke-hoach-2023.xlsx"
    code, stdout, stderr = run_main(["new-workbook", str(path)])
    assert code == 0, stdout + stderr
    return path


@pytest.fixture(scope="module")
def blank_through_calc(blank: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return calc_round_trip(blank, tmp_path_factory.mktemp("calc-blank"))


def test_the_blank_workbook_follows_the_schema(blank: Path) -> None:
    assert schema_findings(blank) == []


def test_the_example_workbook_follows_the_schema(example_workbook: Path) -> None:
    assert example_workbook.name == "thap-muoi-2022.xlsx"
    assert schema_findings(example_workbook) == []


@pytest.mark.libreoffice
def test_calc_keeps_every_dropdown_of_the_blank_workbook(
    blank: Path, blank_through_calc: Path
) -> None:
    ours, calcs = load_workbook(blank), load_workbook(blank_through_calc)
    assert calcs.sheetnames == ours.sheetnames
    lists = {name: validations(ours[name]) for name in ours.sheetnames}
    # The writer gives the plan's choices and the table sheets' choice columns a dropdown.
    assert sum(len(v) for v in lists.values()) > 0
    assert {name for name, v in lists.items() if v} >= {"Kế hoạch", "Đơn vị", "Tổ công tác"}
    assert all(r[0] == "list" for v in lists.values() for r in v.values())
    assert {name: validations(calcs[name]) for name in calcs.sheetnames} == lists


@pytest.mark.libreoffice
def test_calc_locks_nothing_vanban_left_open(blank: Path, blank_through_calc: Path) -> None:
    """The blank workbook protects no sheet (the clerk types everywhere); Calc must add none."""
    ours, calcs = load_workbook(blank), load_workbook(blank_through_calc)
    for wb in (ours, calcs):
        assert _protected(wb) == []
        assert wb.security is None or not wb.security.lockStructure
    assert {ws.title: protection(ws) for ws in calcs} == {ws.title: protection(ws) for ws in ours}


def _protected(wb: Workbook) -> list[str]:
    return [ws.title for ws in wb if ws.protection.sheet]
