"""Good Decree-30 documents built with the layout builder, for the layout and checker tests.

The plan follows the real Kế hoạch 6662/KH-UBND of Tháp Mười district (shortened), with its
funding annex in a section of its own; the invitations file holds two invitations, each in its
own section as the checker demands.
"""

from __future__ import annotations

from pathlib import Path

from vanban.decree30.layout import Decree30Document

ISSUER = ["Ủy ban nhân dân", "huyện Tháp Mười"]
NUMBER_LINE = "Số: 6662/KH-UBND"
PLACE_DATE = "Tháp Mười, ngày 02 tháng 11 năm 2022"
SUMMARY = (
    "Thực hiện đối thoại chính sách giảm nghèo chương trình mục tiêu quốc gia "
    "giảm nghèo bền vững huyện Tháp Mười năm 2022"
)
LAST_BODY = (
    "Trong quá trình thực hiện nếu có khó khăn, vướng mắc các đơn vị kịp thời phản ánh, "
    "báo cáo về Ủy ban nhân dân huyện để được hướng dẫn thực hiện./."
)
RECIPIENTS = [
    "- Sở Lao động – TB&XH;",
    "- TT.Huyện ủy; TT.HĐND huyện;",
    "- UBND các xã, thị trấn;",
    "- Lưu: VT, NCVX(Sang).",
]
SIGNATURE = ["TM. Ủy ban nhân dân", "KT. Chủ tịch", "Phó Chủ tịch"]
SIGNER = "Nguyễn Văn Hiệp"
KEM_THEO = (
    "(Kèm theo Kế hoạch số 6662/KH-UBND ngày 02 tháng 11 năm 2022 "
    "của Ủy ban nhân dân huyện Tháp Mười)"
)
UNITS = [("Xã Mỹ Quý", "41", "46", "87"), ("Xã Mỹ Đông", "3", "51", "54")]


def plan_body(doc: Decree30Document) -> None:
    doc.paragraph(
        "Thực hiện Kế hoạch số 291/KH-UBND ngày 18/8/2022 của Ủy ban nhân dân tỉnh Đồng Tháp "
        "về thực hiện Chương trình mục tiêu giảm nghèo bền vững giai đoạn 2022-2025."
    )
    doc.heading("I. MỤC ĐÍCH – YÊU CẦU")
    doc.paragraph(
        "- Đối thoại chính sách giảm nghèo nhằm tạo cơ hội cho người dân, tổ chức có liên quan "
        "nói lên tiếng nói của mình."
    )
    doc.heading("II. THÀNH PHẦN THAM DỰ")
    doc.paragraph("Hộ nghèo, hộ cận nghèo mỗi xã, thị trấn được phân bổ như sau:")
    doc.table(
        [
            ["TT", "Đơn vị", "Số lượng tham dự", "", "Ghi chú"],
            ["", "", "Hộ nghèo", "Hộ cận nghèo", ""],
        ],
        [[str(i + 1), *unit] for i, unit in enumerate(UNITS)]
        + [["", "Tổng cộng", "44", "97", "141"]],
        widths_mm=[12, 55, 30, 30, 30],
        merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 1, 4)],
        bold_rows=[len(UNITS)],
        aligns=["center", "left", "center", "center", "center"],
    )
    doc.heading("III. KINH PHÍ THỰC HIỆN")
    doc.paragraph(
        runs=[
            ("Kinh phí thực hiện là ", {}),
            ("11.300.000đ (mười một triệu ba trăm ngàn đồng)", {"bold": True}),
            (" được phân bổ theo Quyết định ngày 21 tháng 9 năm 2022.", {}),
        ]
    )
    doc.paragraph(LAST_BODY)


def annex(doc: Decree30Document) -> None:
    doc.title(None, ["DANH SÁCH", "PHÂN BỐ KINH PHÍ ĐỐI THOẠI CHÍNH SÁCH GIẢM NGHÈO"], line=False)
    doc.centered(KEM_THEO, italic=True, space_after=6)
    doc.table(
        [["STT", "Đơn vị", "Số tiền", "Ghi chú"]],
        [["1", "Xã Mỹ Quý", "850.000đ", ""], ["", "Tổng cộng", "850.000đ", ""]],
        widths_mm=[15, 70, 40, 35],
        bold_rows=[1],
    )
    doc.paragraph(runs=[("* Phụ chú: Hỗ trợ Nước uống + Bánh ngọt.", {"bold": True})])


def build_plan(path: Path, *, with_annex: bool = True) -> Path:
    """The plan, then (by default) its annex in a new section that numbers its own pages."""
    doc = Decree30Document()
    doc.header_block(governing=[], issuer=ISSUER, number_line=NUMBER_LINE, place_date=PLACE_DATE)
    doc.title("Kế hoạch", [SUMMARY])
    plan_body(doc)
    doc.footer_block(recipients=RECIPIENTS, signature=SIGNATURE, signer_name=SIGNER)
    if with_annex:
        doc.section_break()
        annex(doc)
    doc.save(path)
    return path


def invitation(doc: Decree30Document, commune: str, number: str) -> None:
    doc.header_block(
        governing=["UBND huyện Tháp Mười"],
        issuer=["Ủy ban nhân dân", commune],
        number_line=f"Số: {number}/GM-UBND",
        place_date="Mỹ Quý, ngày 09 tháng 02 năm 2023",
    )
    doc.title("Giấy mời", ["Dự đối thoại chính sách giảm nghèo năm 2022"])
    doc.paragraph(f"Ủy ban nhân dân {commune} trân trọng kính mời hộ nghèo, hộ cận nghèo dự.")
    doc.paragraph("Thời gian: 07 giờ 30 phút, ngày 15 tháng 11 năm 2022.")
    doc.paragraph("Rất mong quý vị đến dự đúng thời gian./.")
    doc.footer_block(
        recipients=["- Như thành phần mời;", "- Lưu: VT."],
        signature=["TM. Ủy ban nhân dân", "Chủ tịch"],
        signer_name="Trần Văn A",
    )


def build_invitations(path: Path, *, sections: bool = True) -> Path:
    """Two invitations in one file, separated by a section break (or, to break it, a page break)."""
    doc = Decree30Document()
    invitation(doc, "xã Mỹ Quý", "05")
    if sections:
        doc.section_break()
    else:
        doc.page_break()
    invitation(doc, "xã Mỹ Đông", "12")
    doc.save(path)
    return path


def build_template(path: Path) -> Path:
    """A plan template in the shape the project's templates take: tags, loops, a row loop."""
    doc = Decree30Document()
    doc.header_block(
        governing=["{%p for line in governing %}", "{{ line }}", "{%p endfor %}"],
        issuer=["{%p for line in issuer %}", "{{ line }}", "{%p endfor %}"],
        number_line="Số: {{ symbol }}",
        place_date="{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}",
    )
    doc.title("{{ type_name }}", ["{%p for line in summary %}", "{{ line }}", "{%p endfor %}"])
    doc.paragraph("{{ intro }}")
    doc.control("{%p for section in sections %}")
    doc.heading("{{ section.title }}")
    doc.control("{%p for text in section.paragraphs %}")
    doc.paragraph("{{ text }}")
    doc.control("{%p endfor %}")
    doc.control("{%p endfor %}")
    doc.table(
        [["TT", "Đơn vị", "Hộ nghèo"]],
        [
            ["{%tr for u in units %}", "", ""],
            ["{{ loop.index }}", "{{ u.name }}", "{{ u.poor }}"],
            ["{%tr endfor %}", "", ""],
            ["Tổng cộng", "", "{{ total }}"],
        ],
        widths_mm=[15, 90, 40],
        merges=[(4, 0, 4, 1)],
        bold_rows=[3],
        aligns=["center", "left", "center"],
    )
    doc.paragraph(
        runs=[("Kinh phí thực hiện là ", {}), ("{{ amount }}", {"bold": True}), (".", {})]
    )
    doc.paragraph("{{ closing }}")
    doc.footer_block(
        recipients=["{%p for line in recipients %}", "{{ line }}", "{%p endfor %}"],
        signature=["{%p for line in signature %}", "{{ line }}", "{%p endfor %}"],
        signer_name="{{ signer }}",
    )
    doc.save(path)
    return path


CONTEXT: dict[str, object] = {
    "governing": [],
    "issuer": ISSUER,  # lower case on purpose: the builder shows it in capitals
    "symbol": "6662/KH-UBND",
    "place": "Tháp Mười",
    "day": "02",
    "month": "11",
    "year": "2022",
    "type_name": "Kế hoạch",
    "summary": [SUMMARY],
    "intro": "Ủy ban nhân dân huyện xây dựng Kế hoạch tổ chức đối thoại, cụ thể như sau:",
    "sections": [
        {"title": "I. MỤC ĐÍCH – YÊU CẦU", "paragraphs": ["- Tạo cơ hội cho người dân."]},
        {"title": "II. THÀNH PHẦN", "paragraphs": ["Hộ nghèo mỗi xã:", "Theo bảng sau:"]},
    ],
    "units": [{"name": name, "poor": poor} for name, poor, _, _ in UNITS],
    "total": "44",
    "amount": "11.300.000đ (mười một triệu ba trăm ngàn đồng)",
    "closing": LAST_BODY,
    "recipients": RECIPIENTS,
    "signature": SIGNATURE,
    "signer": SIGNER,
}
