"""Workbook text is never printed as Rich markup.

Every kind of message the CLI prints is given text that Rich would read as markup or emoji
("[/]", "[red]…[/]", "41 [hộ]", ":x:"): it must come out as written, never as a MarkupError,
a colour or a dropped word.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import TEMPLATES
from tests.hostile.support import Canary, cli, documents, rename_unit, run, workbook
from tests.workbook_mutations import UNITS, put, put_plan
from vanban.issuing.audit import AuditLog

MARKUP = ["[/]", "41 [hộ]", "[bold red]3[/]", "[link=file:///etc/passwd]5[/link]", "7 :x:"]


@pytest.mark.parametrize("value", MARKUP)
def test_a_workbook_error_quotes_the_cell_as_written(
    tmp_path: Path, canary: Canary, value: str
) -> None:
    wb = workbook(tmp_path, put(UNITS, "D2", value))
    result = cli("check", wb)
    result.assert_clean()
    assert result.code == 2, result.text
    assert 'Sheet "Đơn vị", ô D2' in result.text and f'"{value}"' in result.text, result.text
    canary.assert_untouched()


def test_a_warning_and_the_summary_print_the_workbook_text_as_written(
    tmp_path: Path, canary: Canary
) -> None:
    header = "[red]Ghi chú[/] :warning:"
    wb = workbook(
        tmp_path, put(UNITS, "H1", header), put_plan("Viết tắt cơ quan ban hành", "UB[/]ND")
    )
    result = cli("check", wb)
    result.assert_clean()
    assert result.code == 0, result.text
    assert f'cột "{header}" không thuộc mẫu' in result.text, result.text
    assert "KH-UB[/]ND" in result.text, result.text
    canary.assert_untouched()


@pytest.mark.parametrize("name", ["[/]Mỹ Quý", "Mỹ [bold]Quý", "[red]"])
def test_an_unknown_unit_is_quoted_back_whole(tmp_path: Path, canary: Canary, name: str) -> None:
    out = tmp_path / "out"
    result = run(workbook(tmp_path), out, "--unit", name)
    result.assert_clean()
    assert result.code == 2, result.text
    assert name in result.text, result.text
    assert documents(out) == []
    canary.assert_untouched()


@pytest.mark.usefixtures("prefect_harness")
def test_the_run_summary_and_a_refusal_print_names_and_paths_as_written(
    tmp_path: Path, canary: Canary
) -> None:
    name = "Mỹ [red]Quý[/] :x:"
    wb = workbook(tmp_path, rename_unit("Mỹ Quý", name))
    out = tmp_path / "[bold]ra[/]"
    result = run(wb, out)
    result.assert_clean()
    assert result.code == 0, result.text
    assert f"Xã {name}" in result.text  # the units still waiting for a roster, by name
    assert f"Thư mục: {out}" in result.text
    edited = out / "01-ke-hoach.docx"
    edited.write_bytes(edited.read_bytes() + b"sua tay")
    again = run(wb, out)
    again.assert_clean()
    assert again.code == 4, again.text
    assert "✗ từ chối ghi đè 01-ke-hoach.docx" in again.text and str(out) in again.text
    canary.assert_untouched()


def test_template_lint_findings_print_a_cross_not_its_markup(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    doc = Document(str(templates / "ke-hoach.docx"))
    doc.add_paragraph("{{ khong_co_bien[/] }}")
    doc.save(str(templates / "ke-hoach.docx"))
    result = cli("templates", "check", templates)
    result.assert_clean()
    assert result.code == 1, result.text
    assert "[red]" not in result.text and "✗ ke-hoach.docx" in result.text, result.text
    assert "khong_co_bien[/]" in result.text, result.text


def test_audit_show_and_verify_print_log_values_as_written(issued: Path, canary: Canary) -> None:
    unit, path = "Xã [bold]Giả[/] :x:", "03-giay-moi/[/]gia.docx"
    AuditLog(issued / "audit.jsonl").append(
        {"event": "issued", "unit": unit, "path": path, "sha256": "0" * 64, "status": "written"}
    )
    show = cli("audit", "show", issued, "--unit", "[bold]Giả[/] :x:")
    show.assert_clean()
    assert show.code == 0, show.text
    assert unit in show.text and path in show.text, show.text
    verify = cli("audit", "verify", issued)
    verify.assert_clean()
    assert verify.code == 1, verify.text
    assert f"Tệp {path} có trong sổ nhật ký" in verify.text, verify.text
    canary.assert_untouched()


def test_the_format_check_prints_file_names_as_written(issued: Path, tmp_path: Path) -> None:
    folder = tmp_path / "kiem-tra"
    folder.mkdir()
    name = "[bold red]ke-hoach :x: [italic].docx"  # no "/": it is a file name
    shutil.copy(issued / "01-ke-hoach.docx", folder / name)
    result = cli("review", "--check", folder)
    result.assert_clean()
    assert result.code == 0, result.text
    assert f"✓ {name}: đạt thể thức" in result.text, result.text
