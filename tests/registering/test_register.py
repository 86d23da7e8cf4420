"""The outgoing register (annex IV): its columns, its rows, its print setup, its schema, and a
rewrite that keeps what the records office typed into the register in Excel."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from vanban.errors import InputError
from vanban.metadata import OutgoingMetadata, Recipient, SignerInfo
from vanban.registering import register
from vanban.registering.register import (
    KEY_HEADER,
    REGISTER_NAME,
    SHEET,
    RegisterRow,
    office_columns,
    register_xlsx,
    row_of,
)
from vanban.rendering.schema import schema_findings

BODY = "Ủy ban nhân dân huyện Tháp Mười"
HEADER_ROW = 3
FIRST = HEADER_ROW + 1  # the first document's row
KEY = "K"  # the hidden column


def _meta(
    document: str, notation: str, number: str = "", issued: date | None = None, **extra: object
) -> OutgoingMetadata:
    fields: dict[str, object] = {
        "organ_id": "000.00.00.H19",
        "type_name": "Kế hoạch",
        "code_number": number,
        "code_notation": notation,
        "issued_date": issued,
        "organ_name": BODY,
        "subject": "Tổ chức đối thoại trực tiếp với người dân về chính sách giảm nghèo năm 2022",
        "signer": SignerInfo("Phó Chủ tịch", "Nguyễn Văn Hùng", "KT. CHỦ TỊCH"),
        "to": (
            Recipient("000.00.00.H19", "Sở Lao động - Thương binh và Xã hội"),
            Recipient("", "UBND các xã, thị trấn"),
        ),
        "issued_amount": 15,
        "document": document,
        "archive": "VT, NCVX(Sang)",
    }
    fields.update(extra)
    return OutgoingMetadata(**fields)  # type: ignore[arg-type]


PLAN = _meta("ke-hoach/6662-kh-ubnd.docx", "KH-UBND", "6662", date(2022, 11, 2))
INVITATION = _meta(  # a draft: no number, no date yet
    "giay-moi/my-quy.docx", "GM-UBND", type_name="Giấy mời",
    subject="Dự đối thoại chính sách giảm nghèo tại xã Mỹ Quý", to=(Recipient("", "Ông Lê Văn Tư"),),
    issued_amount=None, archive="VT",
)  # fmt: skip
REPORT = _meta(
    "bao-cao/ket-qua.docx", "BC-UBND", "15", date(2022, 12, 20), type_name="Báo cáo",
    subject="Kết quả đối thoại chính sách giảm nghèo năm 2022", issued_amount=3,
)  # fmt: skip
DECISION = _meta(
    "quyet-dinh/to-cong-tac.docx", "QĐ-UBND", "123", date(2022, 11, 1), type_name="Quyết định",
    subject="Về việc thành lập Tổ công tác đối thoại chính sách giảm nghèo", issued_amount=5,
)  # fmt: skip


def _sheet(data: bytes, data_only: bool = False) -> Worksheet:
    ws = load_workbook(BytesIO(data), data_only=data_only)[SHEET]
    assert isinstance(ws, Worksheet)
    return ws


def _rows(ws: Worksheet) -> list[tuple[object, ...]]:
    """Every row under the header: annex IV's ten columns, then the hidden key."""
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=FIRST, max_col=11)]


def _register(*metas: OutgoingMetadata, existing: bytes | None = None) -> bytes:
    return register_xlsx(BODY, [row_of(m) for m in metas], existing)


def test_the_title_block_and_the_ten_headers_in_annex_iv_s_order() -> None:
    ws = _sheet(_register(PLAN))
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN HUYỆN THÁP MƯỜI"
    assert ws["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    assert [c.value for c in ws[HEADER_ROW]] == [
        "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
        "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
        "Ngày chuyển", "Ký nhận", "Ghi chú", KEY_HEADER,
    ]  # fmt: skip
    assert ws.column_dimensions[KEY].hidden and not ws.column_dimensions["J"].hidden
    assert ws["C4"].font.name == "Times New Roman" and ws["C4"].alignment.wrap_text
    assert REGISTER_NAME.endswith(".xlsx")


def test_row_of_takes_every_fact_from_the_metadata() -> None:
    assert row_of(PLAN) == RegisterRow(
        key="ke-hoach/6662-kh-ubnd.docx",
        number="6662/KH-UBND",
        issued=date(2022, 11, 2),
        type_and_subject="Kế hoạch: Tổ chức đối thoại trực tiếp với người dân về chính sách giảm "
        "nghèo năm 2022",
        signer="Nguyễn Văn Hùng (Phó Chủ tịch)",
        recipients="Sở Lao động - Thương binh và Xã hội; UBND các xã, thị trấn",
        keeper="VT, NCVX(Sang)",
        copies=15,
    )
    draft = row_of(INVITATION)
    assert (draft.number, draft.issued, draft.copies) == ("", None, None)
    assert draft.type_and_subject.startswith("Giấy mời: Dự đối thoại")


def test_one_row_per_document_with_its_values() -> None:
    ws = _sheet(_register(PLAN, INVITATION))
    assert _rows(ws) == [
        ("6662/KH-UBND", datetime(2022, 11, 2), row_of(PLAN).type_and_subject,
         "Nguyễn Văn Hùng (Phó Chủ tịch)",
         "Sở Lao động - Thương binh và Xã hội; UBND các xã, thị trấn", "VT, NCVX(Sang)", 15,
         None, None, None, "ke-hoach/6662-kh-ubnd.docx"),
        (None, None, row_of(INVITATION).type_and_subject, "Nguyễn Văn Hùng (Phó Chủ tịch)",
         "Ông Lê Văn Tư", "VT", None, None, None, None, "giay-moi/my-quy.docx"),
    ]  # fmt: skip
    date_cell = ws["B4"]
    assert date_cell.is_date and date_cell.number_format == "dd/mm/yyyy"


def test_printed_on_a4_landscape_one_page_wide_with_the_header_on_every_page() -> None:
    ws = _sheet(_register(PLAN, REPORT))
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")  # 9: A4 in SpreadsheetML
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"$1:${HEADER_ROW}"
    assert ws["A4"].border.left.style == "thin" and ws["J5"].border.bottom.style == "thin"


def test_the_register_follows_the_office_schema(tmp_path: Path) -> None:
    path = tmp_path / REGISTER_NAME
    path.write_bytes(_register(PLAN, INVITATION, REPORT))
    assert [f"{f.part} {f.path}: {f.description}" for f in schema_findings(path)] == []


def test_the_same_rows_give_the_same_bytes_and_a_rewrite_changes_nothing() -> None:
    first = _register(PLAN, INVITATION)
    assert _register(PLAN, INVITATION) == first
    assert _register(PLAN, INVITATION, existing=first) == first
    with zipfile.ZipFile(BytesIO(first)) as z:
        core = z.read("docProps/core.xml").decode()
    assert "<dcterms:modified" in core and "2022-11-02T00:00:00Z" in core


def _edited_by_the_office(data: bytes) -> bytes:
    """The register after a clerk typed into it in Excel, found by the hidden key as vanban does."""
    wb = load_workbook(BytesIO(data))
    ws = wb[SHEET]
    line = {ws[f"{KEY}{r}"].value: r for r in range(FIRST, ws.max_row + 1)}
    plan, report = line[PLAN.document], line[REPORT.document]
    ws[f"H{plan}"], ws[f"I{plan}"], ws[f"J{plan}"] = datetime(2022, 11, 3), "Lan", "Gửi bưu điện"
    ws[f"H{plan}"].number_format = "dd/mm/yyyy"
    ws[f"H{report}"], ws[f"I{report}"], ws[f"J{report}"] = datetime(2022, 12, 21), "Hòa", "=1+1"
    ws.append(["05/TB-UBND", datetime(2022, 12, 1), "Thông báo: Lịch tiếp dân", "Trần Văn B",
               "Các phòng", "VT", 2, None, None, "Thêm tay"])  # fmt: skip
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_rewrite_keeps_what_the_office_typed_on_the_right_rows() -> None:
    edited = _edited_by_the_office(_register(PLAN, INVITATION, REPORT))
    numbered = _meta(
        INVITATION.document, "GM-UBND", "07", date(2022, 11, 5), type_name="Giấy mời",
        subject=INVITATION.subject, to=INVITATION.to, archive="VT",
    )  # fmt: skip
    new = _register(numbered, PLAN, DECISION, existing=edited)  # the report is no longer issued
    ws = _sheet(new)
    rows = _rows(ws)
    # vanban's rows first, in the order given, its columns from the new metadata.
    assert [r[10] for r in rows] == [
        INVITATION.document,
        PLAN.document,
        DECISION.document,
        REPORT.document,
        None,
    ]
    assert rows[0][:2] == ("07/GM-UBND", datetime(2022, 11, 5))
    assert rows[0][7:10] == (None, None, None)
    assert rows[1][7:10] == (datetime(2022, 11, 3), "Lan", "Gửi bưu điện")  # a date stays a date
    assert ws["H5"].is_date and ws["H5"].number_format == "dd/mm/yyyy"
    assert rows[2][0] == "123/QĐ-UBND" and rows[2][7:10] == (None, None, None)
    # The dropped document's row and the hand-made one, after them, all ten columns as they were.
    assert rows[3][:10] == ("15/BC-UBND", datetime(2022, 12, 20), row_of(REPORT).type_and_subject,
                            "Nguyễn Văn Hùng (Phó Chủ tịch)", row_of(REPORT).recipients,
                            "VT, NCVX(Sang)", 3, datetime(2022, 12, 21), "Hòa", "=1+1")  # fmt: skip
    assert rows[4][:10] == ("05/TB-UBND", datetime(2022, 12, 1), "Thông báo: Lịch tiếp dân",
                            "Trần Văn B", "Các phòng", "VT", 2, None, None, "Thêm tay")  # fmt: skip
    assert office_columns(new) == {
        INVITATION.document: (None, None, None),
        PLAN.document: (datetime(2022, 11, 3), "Lan", "Gửi bưu điện"),
        DECISION.document: (None, None, None),
        REPORT.document: (datetime(2022, 12, 21), "Hòa", "=1+1"),
    }


def test_a_formula_typed_by_the_office_comes_back_as_text_never_live() -> None:
    edited = _edited_by_the_office(_register(PLAN, REPORT))
    assert _sheet(edited)["J5"].data_type == "f"  # the office's cell really is a formula
    new = _register(PLAN, REPORT, existing=edited)
    cell = _sheet(new)["J5"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
    with zipfile.ZipFile(BytesIO(new)) as z:
        assert not any(re.search(rb"<f[\s>]", z.read(n)) for n in z.namelist())


def test_a_formula_excel_computed_is_kept_as_its_value() -> None:
    edited = _edited_by_the_office(_register(PLAN, REPORT))
    # Excel saves what it computed beside the formula; openpyxl does not, so put it there.
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(edited)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb"<f>1\+1</f><v\s*/>|<f>1\+1</f><v></v>",
                                  b"<f>1+1</f><v>2</v>", body)  # fmt: skip
                assert n == 1
            dst.writestr(info, body)
    new = _register(PLAN, REPORT, existing=out.getvalue())
    assert _sheet(new)["J5"].value == 2
    assert office_columns(new)[REPORT.document][2] == 2


def _workbook(build: Callable[[Worksheet], None] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    if build is not None:
        build(ws)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_garbage_is_refused_with_an_input_error_naming_the_sheet() -> None:
    with pytest.raises(InputError, match=SHEET):
        _register(PLAN, existing=b"PK\x03\x04 not a workbook at all")
    with pytest.raises(InputError, match=SHEET):
        office_columns(b"")
    zipped = BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("xl/workbook.xml", "<not-a-workbook")
    with pytest.raises(InputError, match=SHEET):
        office_columns(zipped.getvalue())


def test_the_rows_read_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    three = _register(PLAN, INVITATION, REPORT)
    monkeypatch.setattr(register, "MAX_ROWS", 2)
    with pytest.raises(InputError, match="quá 2 dòng"):
        office_columns(three)


def test_a_workbook_without_the_register_sheet_is_refused() -> None:
    with pytest.raises(InputError, match="không có sheet") as caught:
        _register(PLAN, existing=_workbook())
    assert SHEET in str(caught.value)


def test_a_register_without_its_header_is_refused() -> None:
    def no_header(ws: Worksheet) -> None:
        ws.title = SHEET
        ws.append(["6662/KH-UBND", "02/11/2022"])

    with pytest.raises(InputError, match="dòng tiêu đề"):
        _register(PLAN, existing=_workbook(no_header))


def test_a_column_the_office_added_is_refused_rather_than_lost() -> None:
    wb = load_workbook(BytesIO(_register(PLAN)))
    wb[SHEET]["L3"], wb[SHEET]["L4"] = "Số trang", 4
    out = BytesIO()
    wb.save(out)
    with pytest.raises(InputError, match="Số trang"):
        _register(PLAN, existing=out.getvalue())


def test_two_rows_with_one_key_are_a_caller_s_mistake() -> None:
    with pytest.raises(ValueError):
        _register(PLAN, PLAN)
