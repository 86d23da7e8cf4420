"""Build ``templates/docx/quyet-dinh-to-cong-tac.docx`` once, with the Decree 30 builder.

The decision that establishes the issuer's working group for the dialogues (the plan's "tham
mưu Ủy ban nhân dân huyện thành lập Tổ công tác đối thoại chính sách giảm nghèo"), in the form
of annex III of the decree for a decision that rules directly: header, "QUYẾT ĐỊNH" and its
summary, the authority that decides, the legal bases, "QUYẾT ĐỊNH:", three articles, then
"Nơi nhận" and the signer.

This script made the committed template; from then on the .docx is the source, edited in Word.
It refuses to overwrite the template unless given ``--force``.

Run: ``python -m tools.decision_template [--force] [DIR]``.
The template holds no name or figure of any plan: the members come from sheet "Tổ công tác"
(``tables.to_cong_tac``), number, date, legal bases, executors, recipients and signer from the
decision's row of sheet "Văn bản" (``doc``), the rest from the plan.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tools.template_blocks import PLAIN, B
from tools.template_blocks import footer as _footer
from tools.template_blocks import header as _header
from vanban.decree30.layout import Decree30Document

NAME = "quyet-dinh-to-cong-tac.docx"
ITALIC = {"italic": True}


def decision_template() -> Decree30Document:
    doc = Decree30Document()
    _header(doc)
    doc.title("QUYẾT ĐỊNH", ["Về việc thành lập {{ plan.issuer_group }} năm {{ plan.year }}"])
    doc.centered("{{ doc.head | hoa }} {{ doc.issuer_name | hoa }}", bold=True, space_after=6)
    doc.control("{%p for basis in doc.bases %}")
    doc.paragraph(runs=[("Căn cứ {{ basis }};", ITALIC)])
    doc.control("{%p endfor %}")
    doc.paragraph(
        runs=[
            (
                "Căn cứ Kế hoạch số {{ plan.symbol }} {{ plan.date | ngay }} của "
                "{{ plan.issuer_name }} về {{ plan.summary_line | viet_thuong_dau }};",
                ITALIC,
            )
        ]
    )
    doc.control("{%p if doc.proposer %}")
    doc.paragraph(runs=[("Theo đề nghị của {{ doc.proposer }}.", ITALIC)])
    doc.control("{%p endif %}")
    doc.centered("QUYẾT ĐỊNH:", bold=True, space_after=6)
    doc.paragraph(
        runs=[
            ("Điều 1. ", B),
            (
                "Thành lập {{ plan.issuer_group }} năm {{ plan.year }} của {{ plan.issuer_name }}, "
                "gồm các ông, bà có tên sau:",
                PLAIN,
            ),
        ]
    )
    doc.control("{%p for m in tables.to_cong_tac %}")
    doc.paragraph(
        "{{ loop.index }}. {{ m.name }}, {{ m.title }} - {{ m.role }}"
        "{% if loop.last %}.{% else %};{% endif %}"
    )
    doc.control("{%p endfor %}")
    doc.paragraph(runs=[("Điều 2. ", B), ("Nhiệm vụ của Tổ công tác:", PLAIN)])
    doc.paragraph(
        "1. Giúp {{ doc.head }} {{ doc.issuer_name }} chỉ đạo, tổ chức {{ plan.dialogue_name }} "
        "theo Kế hoạch số {{ plan.symbol }} {{ plan.date | ngay }} của {{ plan.issuer_name }}."
    )
    doc.paragraph(
        "2. Phối hợp, hỗ trợ các {{ plan.units_phrase }} tổ chức đối thoại từ ngày "
        "{{ plan.period_start | ngay_ngan }} đến ngày {{ plan.period_end | ngay_ngan }}; dự các "
        "buổi đối thoại, trả lời ý kiến của người dân theo lĩnh vực được phân công."
    )
    doc.paragraph(
        "3. Theo dõi, kiểm tra, giám sát việc tổ chức đối thoại và sử dụng kinh phí; tổng hợp "
        "kết quả, báo cáo {{ doc.head }} {{ doc.issuer_name }}."
    )
    doc.paragraph(
        "Tổ công tác làm việc theo chế độ kiêm nhiệm và tự giải thể sau khi hoàn thành nhiệm vụ."
    )
    doc.paragraph(
        runs=[
            ("Điều 3. ", B),
            (
                "Quyết định này có hiệu lực kể từ ngày ký. {% if doc.addressee %}"
                "{{ doc.addressee }} và các{% else %}Các{% endif %} ông, bà có tên tại Điều 1 "
                "chịu trách nhiệm thi hành Quyết định này./.",
                PLAIN,
            ),
        ]
    )
    _footer(doc)
    return doc


def main(argv: list[str]) -> int:
    force = "--force" in argv
    args = [a for a in argv[1:] if a != "--force"]
    path = (Path(args[0]) if args else Path("templates/docx")) / NAME
    if path.exists() and not force:
        print(f"giữ nguyên {path} (đã có; dùng --force để tạo lại)")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    decision_template().save(path)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
