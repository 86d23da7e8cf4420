"""Building one unit's result form: a protected .xlsx whose inputs are validated as Excel types them.

What the plan already knows (its symbol and date, the unit, who was invited, the topics, the
allocation) is printed and locked; only the yellow input cells can change, and each one carries a
data validation with the bounds the collector enforces again. No invitee's name is written: a
form holds counts, topics and places only. The same plan gives the same bytes (fixed zip and
document dates), so that writing a form again over an untouched one changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vanban.documents.kinds import Registry
from vanban.files import stable_package
from vanban.forms import layout as L
from vanban.issuing.paths import plan_slug
from vanban.model import Plan, Unit
from vanban.text.formatting import group_digits, lower_first, short_date, vnd
from vanban.workbook.cells import MAX_COUNT
from vanban.workbook.schema import AUTHORITIES

_FONT = Font(name="Times New Roman", size=12)
_BOLD = Font(name="Times New Roman", size=12, bold=True)
_TITLE = Font(name="Times New Roman", size=14, bold=True)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_TEXT_MAX = {"policies": 4000, "proposals": 4000, "content": 2000, "signer_title": 200,
             "signer_name": 200}
_OPINIONS_MAX = 10_000


def build_form(plan: Plan, unit: Unit, slug: str, registry: Registry) -> bytes:
    """The form of one unit, as bytes that depend on the plan and the unit only.

    ``slug`` is the unit's file name part and ``registry`` the run's, which names the plan's
    type in its symbol ("6662/KH-UBND") and its folder.
    """
    symbol = registry.plan_symbol(plan)
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = L.FORM_SHEET
    lay = L.Layout(len(plan.topics))
    _form_sheet(ws, plan, unit, lay, symbol)
    _guide_sheet(wb.create_sheet(L.GUIDE_SHEET), plan, unit, symbol)
    _identity_sheet(wb.create_sheet(L.IDENTITY_SHEET), identity(plan, unit, slug, registry))
    wb.security = WorkbookProtection(lockStructure=True)  # no password: only keeps sheets as they are
    stamp = datetime.combine(plan.ref.date or plan.period_start, datetime.min.time())
    wb.properties.creator = "vanban"
    wb.properties.created = stamp
    buf = BytesIO()
    wb.save(buf)
    return stable_package(buf.getvalue(), stamp)


def _put(ws: Worksheet, coord: str, value: object, font: Font = _FONT) -> None:
    cell = ws[coord]
    cell.value = value
    cell.font = font
    cell.alignment = _WRAP


def _line(ws: Worksheet, row: int, text: str, font: Font = _FONT) -> None:
    ws.merge_cells(f"A{row}:F{row}")
    _put(ws, f"A{row}", text, font)


def _input(ws: Worksheet, coord: str, dv: DataValidation, number_format: str | None = None,
           wide: bool = False) -> None:
    cell = ws[coord]
    cell.protection = _UNLOCKED
    cell.fill = _INPUT_FILL
    cell.font = _FONT
    cell.border = _BOX
    cell.alignment = _WRAP
    if number_format:
        cell.number_format = number_format
    if wide:
        row = cell.row
        ws.merge_cells(f"{coord}:F{row}")
    ws.add_data_validation(dv)
    dv.add(coord)


def _whole(low: int, high: int | str, what: str) -> DataValidation:
    """A whole number from ``low`` to ``high``: a number, or the cell another input is in."""
    top = group_digits(high) if isinstance(high, int) else "số ý kiến"
    rule = f"{what}: số nguyên từ {group_digits(low)} đến {top}."[:255]
    return DataValidation(
        type="whole", operator="between", formula1=str(low), formula2=str(high),
        allow_blank=True, showErrorMessage=True, showInputMessage=True,
        errorTitle="Số không hợp lệ", error=rule, promptTitle="Số nguyên", prompt=rule,
    )


def _text(limit: int, what: str) -> DataValidation:
    rule = f"{what}: chữ, tối đa {group_digits(limit)} ký tự."
    return DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1=str(limit), allow_blank=True,
        showErrorMessage=True, errorTitle="Quá dài", error=rule, showInputMessage=False,
    )


def _form_sheet(ws: Worksheet, plan: Plan, unit: Unit, lay: L.Layout, symbol: str) -> None:
    p = plan.participants
    first, last = L.report_window(plan, unit)
    for col, width in zip("ABCDEF", (6, 46, 14, 16, 16, 44), strict=True):
        ws.column_dimensions[col].width = width
    _line(ws, 1, "PHIẾU BÁO CÁO KẾT QUẢ ĐỐI THOẠI", _TITLE)
    ws["A1"].alignment = _CENTER
    issued = f" ngày {short_date(plan.ref.date)}" if plan.ref.date else ""
    _line(ws, 2, f"Thực hiện Kế hoạch số {symbol}{issued} của {plan.issuer.name} về "
                 f"{plan.dialogue_name}")
    ws.row_dimensions[2].height = 32
    _line(ws, 3, f"Đơn vị: {unit.name}", _BOLD)
    day = L.dialogue_day(plan, unit)
    _line(ws, 4, f"Ngày đối thoại: {short_date(day)}" if unit.schedule else
          f"Thời gian đối thoại: {short_date(plan.period_start)} – {short_date(plan.period_end)}")
    _line(ws, 5, 'Chỉ điền vào các ô màu vàng; các ô khác đã khóa. Xem sheet "Hướng dẫn".')

    _line(ws, 7, "I. BÁO CÁO", _BOLD)
    rows = lay.report_rows
    _put(ws, f"B{rows['number']}", "Số báo cáo (bỏ trống nếu chưa có số)")
    _input(ws, lay.cells["number"], _whole(1, MAX_COUNT, "Số báo cáo"), "0")
    _put(ws, f"B{rows['date']}", f"Ngày báo cáo (từ {short_date(first)} đến {short_date(last)})")
    rule = f"Ngày báo cáo: từ {short_date(first)} đến {short_date(last)} (ngày/tháng/năm)."
    _input(ws, lay.cells["date"], DataValidation(
        type="date", operator="between", formula1=str(int(to_excel(first))),
        formula2=str(int(to_excel(last))), allow_blank=True, showErrorMessage=True,
        showInputMessage=True, errorTitle="Ngày không hợp lệ", error=rule,
        promptTitle="Ngày", prompt=rule,
    ), "DD/MM/YYYY")

    _line(ws, lay.attendance_header - 1, "II. THÀNH PHẦN THAM DỰ", _BOLD)
    _header(ws, lay.attendance_header, ("STT", "Thành phần", "Số được mời", "Số tham dự"))
    groups = (
        ("steering", p.steering_name, p.steering_count),
        ("officials", p.officials_name, p.officials_count),
        ("poor", "Hộ nghèo", unit.poor),
        ("near_poor", "Hộ cận nghèo", unit.near_poor),
        ("issuer_delegates", f"Đại biểu {lower_first(p.issuer_level)}", None),
    )
    for no, (key, label, invited) in enumerate(groups, start=1):
        row = lay.attendance_rows[key]
        _put(ws, f"A{row}", no)
        _put(ws, f"B{row}", label[:1].upper() + label[1:])
        _put(ws, f"C{row}", invited)
        high = invited if invited is not None else MAX_COUNT
        _input(ws, lay.cells[key], _whole(0, high, f"Số {lower_first(label)} tham dự"), "#,##0")

    _line(ws, lay.opinions_header - 1, "III. Ý KIẾN CỦA NGƯỜI DÂN THEO CHỦ ĐỀ", _BOLD)
    _header(ws, lay.opinions_header, ("STT", "Chủ đề", "Số ý kiến", "Trả lời tại chỗ",
                                      "Chuyển cấp trên", "Nội dung chính"))
    for topic in plan.topics:
        row = lay.topic_row(topic.number)
        cells = lay.opinion_cells(topic.number)
        _put(ws, f"A{row}", topic.number)
        _put(ws, f"B{row}", topic.text)
        # Excel does not grow a row for wrapped text it did not lay out itself.
        ws.row_dimensions[row].height = 16 * max(1, -(-len(topic.text) // 42))
        _input(ws, cells["raised"], _whole(0, _OPINIONS_MAX, "Số ý kiến"), "0")
        for key in ("answered", "passed_up"):
            what = "Trả lời tại chỗ" if key == "answered" else "Chuyển cấp trên"
            _input(ws, cells[key], _whole(0, cells["raised"], what), "0")
        _input(ws, cells["content"], _text(_TEXT_MAX["content"], "Nội dung chính"))

    s = lay.closing_start
    rows = lay.closing_rows
    _line(ws, s, "IV. CHÍNH SÁCH, ĐỀ XUẤT VÀ KINH PHÍ", _BOLD)
    _put(ws, f"B{rows['policies']}", "Chính sách đã thông tin")
    _put(ws, f"B{rows['proposals']}", "Đề xuất, kiến nghị")
    for key in ("policies", "proposals"):
        _input(ws, lay.cells[key], _text(_TEXT_MAX[key], "Nội dung"), wide=True)
        ws.row_dimensions[rows[key]].height = 60
    allocated = plan.funding_for(unit) or 0
    _put(ws, f"B{rows['spent']}", f"Kinh phí đã chi (đồng); được phân bổ {vnd(allocated)}")
    _put(ws, f"C{rows['spent']}", allocated)
    ws[f"C{rows['spent']}"].number_format = "#,##0"
    _input(ws, lay.cells["spent"], _whole(0, allocated, "Kinh phí đã chi (đồng)"), "#,##0")

    _line(ws, lay.signer_heading, "V. NGƯỜI KÝ BÁO CÁO", _BOLD)
    _put(ws, f"B{rows['authority']}", "Thẩm quyền ký (TM., KT., Q., TL., TUQ.)")
    _input(ws, lay.cells["authority"], DataValidation(
        type="list", formula1='"' + ",".join(AUTHORITIES) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
        error="Chọn một giá trị trong danh sách.",
    ))
    _put(ws, f"B{rows['signer_title']}", "Chức vụ người ký")
    _put(ws, f"B{rows['signer_name']}", "Người ký (họ và tên)")
    for key in ("signer_title", "signer_name"):
        _input(ws, lay.cells[key], _text(_TEXT_MAX[key], "Chức vụ, họ tên"), wide=True)

    ws.protection.sheet = True  # no password: a guard against slips, not against the clerk
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.freeze_panes = "A6"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _header(ws: Worksheet, row: int, labels: tuple[str, ...]) -> None:
    for col, label in zip("ABCDEF", labels, strict=False):
        cell = ws[f"{col}{row}"]
        cell.value = label
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.alignment = _CENTER
        cell.border = _BOX


def guide_lines(plan: Plan, unit: Unit, symbol: str) -> list[str]:
    first, last = L.report_window(plan, unit)
    return [
        f"Phiếu báo cáo kết quả đối thoại của {unit.name}, theo Kế hoạch số {symbol}.",
        f'1. Chỉ điền vào các ô màu vàng ở sheet "{L.FORM_SHEET}"; các ô khác đã khóa.',
        "2. Số tham dự: số nguyên, không nhiều hơn số được mời ở cột C.",
        "3. Ý kiến theo chủ đề: số ý kiến = trả lời tại chỗ + chuyển cấp trên; chủ đề không có "
        "ý kiến thì ghi 0 hoặc để trống cả dòng.",
        "4. Kinh phí đã chi: số đồng, không quá số được phân bổ.",
        f"5. Ngày báo cáo: ngày/tháng/năm, từ {short_date(first)} đến {short_date(last)}.",
        "6. Thẩm quyền ký: TM. (thay mặt), KT. (ký thay), Q. (quyền), TL. (thừa lệnh), TUQ. "
        "(thừa ủy quyền); bỏ trống nếu người đứng đầu ký trực tiếp.",
        "7. Mỗi phiếu mang mã riêng của kế hoạch và đơn vị: không dùng phiếu này cho đơn vị "
        "khác, không chép số liệu sang phiếu của đơn vị khác.",
        f"8. Lưu tệp dạng .xlsx và gửi lại {plan.contact_office}.",
    ]


def _guide_sheet(ws: Worksheet, plan: Plan, unit: Unit, symbol: str) -> None:
    ws.column_dimensions["A"].width = 110
    for row, text in enumerate(guide_lines(plan, unit, symbol), start=1):
        _put(ws, f"A{row}", text, _BOLD if row == 1 else _FONT)
    ws.protection.sheet = True


def identity(plan: Plan, unit: Unit, slug: str, registry: Registry) -> dict[str, str]:
    """The form's hidden identity; ``slug`` is the unit's file name part in the run's registry."""
    return {
        "format": L.FORMAT,
        "version": str(L.VERSION),
        "form_id": L.form_id(plan, unit),
        "plan_issuer": plan.issuer.name,
        "plan_symbol": registry.plan_symbol(plan),
        "plan_date": plan.ref.date.isoformat() if plan.ref.date else "",
        "plan_slug": plan_slug(plan, registry.plan_type),
        "unit": unit.name,
        "unit_slug": slug,
        "topics": str(len(plan.topics)),
    }


def _identity_sheet(ws: Worksheet, ident: dict[str, str]) -> None:
    for row, (key, value) in enumerate(ident.items(), start=1):
        ws.cell(row, 1).value = key
        ws.cell(row, 2).value = value
        ws.cell(row, 2).number_format = "@"  # kept as text: "1" must not become a number
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
