"""The template parts that print a unit's roster: personal invitations and the sign-in list.

Personal invitations follow the unit's general one in ``giay-moi.docx``: a loop over
``invitees`` (empty for a unit without a roster) in which each letter is a complete Decree-30
document in its own section, so it starts a page and counts its pages from 1, and the whole file
prints in one go. ``danh-sach-tham-du.docx`` is the participants' list grouped by category with
subtotals, which the people invited sign and which settles the unit's funds.
"""

from __future__ import annotations

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell

from tools.template_blocks import end_mark, footer, header, meeting, title
from vanban.decree30.layout import Decree30Document, add_text
from vanban.decree30.spec import SIGNATURE_SPACE_LINES, SIZES

SIGN_ROW_MM = 9  # room for a signature in the "Ký nhận" column


def personal_letters(doc: Decree30Document) -> None:
    """After the general invitation: one letter per invitee, each a section of its own."""
    doc.control("{%p for inv in invitees %}")
    doc.section_break(restart=True)
    header(doc)
    title(doc)
    doc.centered(
        "Kính gửi: Ông/Bà {{ inv.name }}{% if inv.hamlet %}, {{ inv.hamlet }}{% endif %}.",
        space_after=6,
    )
    doc.paragraph(
        "Thực hiện Kế hoạch số {{ plan.symbol }} {{ plan.date | ngay }} của {{ plan.issuer_name }} "
        "về {{ plan.summary_line | viet_thuong_dau }};"
    )
    doc.paragraph(
        "{{ doc.issuer_name }} trân trọng kính mời Ông/Bà{% if inv.role %} ({{ inv.role }})"
        "{% endif %} đến dự buổi {{ plan.dialogue_name }}."
    )
    meeting(doc)
    doc.paragraph(
        "Đề nghị Ông/Bà đến dự đúng thời gian, địa điểm{% if inv.support %} và mang theo giấy mời "
        "này để làm thủ tục nhận hỗ trợ{% endif %}./."
    )
    footer(doc, recipients="personal.recipients")
    doc.control("{%p endfor %}")
    end_mark(doc)


def roster_list_template() -> Decree30Document:
    """The participants' list: attached to the invitation, signed by each person who comes."""
    doc = Decree30Document()
    doc.header_block(
        governing=["{%p for line in doc.governing %}", "{{ line }}", "{%p endfor %}"],
        issuer=["{%p for line in doc.issuer %}", "{{ line }}", "{%p endfor %}"],
        number_line="",  # the list carries its invitation's number, in the line below its title
        place_date="{{ doc.place }}, {{ doc.date | ngay }}",
    )
    first = doc.centered("{{ doc.type_name }}", bold=True)
    first.paragraph_format.space_before = Pt(12)
    doc.control("{%p for line in doc.summary %}")
    doc.centered("{{ line }}", bold=True)
    doc.control("{%p endfor %}")
    doc.centered(
        "(Kèm theo Giấy mời số {{ doc.symbol }} {{ doc.date | ngay }} của {{ doc.issuer_name }})",
        italic=True,
        space_after=6,
    )
    table = doc.table(
        [["STT", "Họ và tên", "Ấp, khóm", "Thành phần", "Ký nhận", "Ghi chú"]],
        [
            ["{%tr for g in groups %}"],
            ["{{ g.roman }}", "{{ g.title }}", "", "", "", ""],
            ["{%tr for p in g.people %}"],
            ["{{ p.no }}", "{{ p.name }}", "{{ p.hamlet }}", "{{ g.short }}", "", "{{ p.note }}"],
            ["{%tr endfor %}"],
            ["Cộng", "", "{{ g.count | so }} {{ g.measure }}", "", "", ""],
            ["{%tr endfor %}"],
            ["Tổng cộng", "", "{{ totals.people | so }} người", "", "", ""],
        ],
        widths_mm=[12, 45, 30, 33, 25, 20],
        merges=[(2, 1, 2, 5), (6, 0, 6, 1), (6, 2, 6, 5), (8, 0, 8, 1), (8, 2, 8, 5)],
        bold_rows=[1, 5, 7],
        aligns=["center", "left", "left", "left", "center", "left"],
        size=12,
    )
    person = table.rows[4]
    person.height = Mm(SIGN_ROW_MM)
    person.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    doc.paragraph().paragraph_format.space_after = Pt(0)
    doc.paragraph(
        "Tổng số người được mời: {{ totals.people | so }} người, gồm: {{ steering }} "
        "{{ totals.steering | hai_so }} người; {{ plan.officials_name }} "
        "{{ totals.officials | hai_so }} người; {{ totals.poor | so }} hộ nghèo; "
        "{{ totals.near_poor | so }} hộ cận nghèo{% if totals.other %}; thành phần khác "
        "{{ totals.other | so }} người{% endif %}."
    )
    doc.paragraph(
        "Số hộ nghèo, hộ cận nghèo được mời ({{ totals.households | so }} hộ) bằng số phân bổ cho "
        "{{ unit.text }} tại Kế hoạch số {{ plan.symbol }} {{ plan.date | ngay }} của "
        "{{ plan.issuer_name }}; kinh phí được phân bổ theo danh sách kèm theo Kế hoạch: "
        "{{ unit.funding | vnd }} ({{ unit.funding | bang_chu }}){% if annex_note %}, nội dung "
        "chi: {{ annex_note | viet_thuong_dau }}{% endif %}."
    )
    doc.paragraph(
        "Người tham dự ký nhận ở cột \"Ký nhận\"; danh sách có chữ ký là chứng từ thanh toán kinh "
        "phí tổ chức đối thoại."
    )
    _signatures(doc)
    return doc


def _cell_line(cell: _Cell, index: int, text: str, *, bold: bool = False,
               italic: bool = False) -> None:  # fmt: skip
    paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        add_text(paragraph, text, size=SIZES["signature"], bold=bold, italic=italic)


def _signatures(doc: Decree30Document) -> None:
    """Two borderless columns: the preparer, and the unit's leader who signed the invitation."""
    width = doc.text_width_mm / 2
    table = doc.document.add_table(rows=1, cols=2)
    table.autofit = False
    for column in table.columns:
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_line(left, 0, "NGƯỜI LẬP DANH SÁCH", bold=True)
    _cell_line(left, 1, "(Ký, ghi rõ họ tên)", italic=True)
    _cell_line(right, 0, "{%p for line in doc.signature %}")
    _cell_line(right, 1, "{{ line }}", bold=True)
    _cell_line(right, 2, "{%p endfor %}")
    for i in range(SIGNATURE_SPACE_LINES):
        _cell_line(right, 3 + i, "")
    _cell_line(right, 3 + SIGNATURE_SPACE_LINES, "{{ doc.signer }}", bold=True)
