"""``vanban new-workbook``: an empty plan workbook a clerk can fill in Excel or LibreOffice.

Everything comes from :mod:`vanban.workbook.schema`: headers, the "Hướng dẫn" sheet, dropdown lists,
number and date formats, frozen header rows.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vanban.errors import InputError, OutputConflictError
from vanban.files import atomic_write
from vanban.workbook import schema

_HEADER_FONT = Font(name="Times New Roman", bold=True)
_BODY_FONT = Font(name="Times New Roman")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
DATA_ROWS = 200  # rows that carry dropdowns and formats on each table sheet
NUMBER_FORMATS = {
    "int": "#,##0", "money": "#,##0", "date": "DD/MM/YYYY", "time": "HH:MM", "phone": "@",
    "code": "@",
}


def _width(f: schema.Field) -> float:
    return {"long": 60, "lines": 50, "text": 28, "date": 14, "time": 10}.get(f.type, 16)


def _example_text(value: object) -> str:
    return "" if value is None else str(value)


def _add_list(ws: Worksheet, choices: tuple[str, ...], ref: str) -> None:
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error="Chọn một giá trị trong danh sách.",
    )
    ws.add_data_validation(dv)
    dv.add(ref)


def _guide(wb: Workbook) -> None:
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = schema.GUIDE_SHEET
    ws.append(["Sheet", "Cột / mục", "Bắt buộc", "Ý nghĩa", "Ví dụ"])
    for cell in ws[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for spec in schema.SHEETS:
        ws.append([spec.name, "", "có" if spec.required else "không", spec.help, ""])
        ws.cell(ws.max_row, 1).font = _HEADER_FONT
        for f in spec.fields:
            ws.append(
                ["", f.label, "có" if f.required else "", f.help, _example_text(f.example)]
            )
    ws.append([])
    ws.append([
        "", "Phiếu kết quả (không bắt buộc)", "",
        "Thay cho nhập tay sheet \"Kết quả\" và \"Ý kiến\": lệnh vanban forms lập cho mỗi đơn "
        "vị một phiếu .xlsx để điền sau buổi đối thoại; nhận lại, đặt các phiếu vào một thư mục "
        "rồi chạy vanban run BẢNG_TÍNH --results THƯ_MỤC.", "",
    ])
    for col, width in zip("ABCDE", (18, 40, 10, 70, 50), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP
    ws.freeze_panes = "A2"


def _plan_sheet(wb: Workbook) -> None:
    spec = schema.PLAN
    ws = wb.create_sheet(spec.name)
    ws.append(list(schema.KV_HEADERS))
    for cell in ws[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for f in spec.fields:
        ws.append([f.label, None, f.help + ("" if f.required else " (không bắt buộc)")])
        r = ws.max_row
        value = ws.cell(r, 2)
        value.font = _BODY_FONT
        value.alignment = _WRAP
        if f.type in NUMBER_FORMATS:
            value.number_format = NUMBER_FORMATS[f.type]
        if f.choices:
            _add_list(ws, f.choices, f"B{r}")
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 50
    ws.freeze_panes = "A2"


def _table_sheet(wb: Workbook, spec: schema.Sheet) -> None:
    ws = wb.create_sheet(spec.name)
    ws.append([f.label for f in spec.fields])
    for i, f in enumerate(spec.fields, start=1):
        head = ws.cell(1, i)
        head.font = _HEADER_FONT
        head.fill = _HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = _width(f)
        for r in range(2, DATA_ROWS + 2):
            cell = ws.cell(r, i)
            cell.font = _BODY_FONT
            if f.type in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[f.type]
            if f.type in ("long", "lines"):
                cell.alignment = _WRAP
        if f.choices:
            _add_list(ws, f.choices, f"{letter}2:{letter}{DATA_ROWS + 1}")
    ws.freeze_panes = "A2"


def build_blank_workbook() -> Workbook:
    wb = Workbook()
    _guide(wb)
    _plan_sheet(wb)
    for spec in schema.SHEETS:
        if not spec.key_value:
            _table_sheet(wb, spec)
    return wb


def write_blank_workbook(path: Path, *, overwrite: bool = False) -> Path:
    """Write the empty workbook; refuse to replace an existing file unless told to."""
    if path.suffix.lower() != ".xlsx":
        # Excel refuses to open a workbook whose extension says another format (.xls, .ods).
        raise InputError(f'Tên tệp phải có đuôi .xlsx, nhận được "{path.name}".')
    if path.exists() and not overwrite:
        raise OutputConflictError(f"Tệp {path} đã có; chọn tên khác để không ghi đè lên nó.")
    buf = BytesIO()
    build_blank_workbook().save(buf)
    atomic_write(path, buf.getvalue())
    return path
